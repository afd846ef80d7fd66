"""The contract between the bot (Rasa, its custom actions, its event broker) and the handoff
service: every name and value one side writes and the other reads.

- The event stream: Rasa's event broker (bot/broker.py) appends every tracker event to a Redis
  stream as one entry of three fields; the handoff service reads it in a consumer group.
- Slots the bot sets and the handoff service acts on: `unresolved_reason` (a person is promised:
  open an escalation with that reason) and the satisfaction survey's answers.
- The intent the handoff service triggers when an agent hands the customer back.
- The custom payload the handoff service attaches to a bot event it appends for a person
  (`{"data": {"kind": ..., "agent": ..., "text": ...}}`, and `{"agent", "kind"}` in the event's
  metadata): the chat widget shows it by kind, the messaging connectors skip it.
"""

from __future__ import annotations

from typing import Final

# --- the event stream -------------------------------------------------------------------------
EVENT_STREAM: Final = "baton:events"  # the default; BATON_EVENT_STREAM names another
ENTRY_SENDER_ID: Final = "sender_id"  # the conversation
ENTRY_TYPE: Final = "type"  # the Rasa event's name ("user", "bot", "slot", ...)
ENTRY_EVENT: Final = "event"  # the whole Rasa event, as JSON
# The longest conversation id the handoff store keeps (its sender_id columns, on PostgreSQL a
# varchar(255)): the REST channel, where a client names the conversation, refuses a longer one.
MAX_SENDER_ID: Final = 255

# --- slots the handoff service reads ------------------------------------------------------------
UNRESOLVED_REASON_SLOT: Final = "unresolved_reason"
CSAT_RATING_SLOT: Final = "csat_rating"  # 1..5
CSAT_COMMENT_SLOT: Final = "csat_comment"  # "" when skipped
# The bot promised the customer to check back: {"due_at": epoch seconds, "note": for the team,
# "told": the bot's words to the customer}. The handoff service makes it a follow-up task for the
# team of the conversation's escalation, once per stream entry (handoff/escalations/bot_tasks.py).
FOLLOW_UP_SLOT: Final = "follow_up"
FOLLOW_UP_NOTE_CHARS: Final = 500

# The values of `unresolved_reason`: why the bot promised a person.
EXPLICIT_REQUEST: Final = "explicit_request"  # the customer asked for one
KNOWLEDGE_NO_MATCH: Final = "knowledge_no_match"  # the help centre had no answer, twice
KNOWLEDGE_REJECTED: Final = "knowledge_rejected"  # its answers did not help, twice
VERIFICATION_FAILED: Final = "verification_failed"  # three wrong order number / contact pairs
FLOW_FAILED: Final = "flow_failed"  # the order system was down twice
LOST_PARCEL: Final = "lost_parcel"
POLICY_EXCEPTION: Final = "policy_exception"
DAMAGED_ITEM: Final = "damaged_item"  # damaged or wrong item
# The customer reports their own case of a topic a help-centre article gives to a person (its front
# matter `person_case`, knowledge/articles.py): a warranty claim, a charge they do not recognise.
PERSON_TOPIC: Final = "person_topic"
# The customer's messages were not understood twice in a row, after the bot said what it can do;
# the same name as the handoff detector's own reason for a run of NLU fallbacks.
NLU_FALLBACK_REPEATED: Final = "nlu_fallback_repeated"
UNRESOLVED_REASONS: Final = frozenset({
    EXPLICIT_REQUEST, KNOWLEDGE_NO_MATCH, KNOWLEDGE_REJECTED, VERIFICATION_FAILED, FLOW_FAILED,
    LOST_PARCEL, POLICY_EXCEPTION, DAMAGED_ITEM, NLU_FALLBACK_REPEATED, PERSON_TOPIC,
})
# The reasons an article may name in its front matter `person_case`: cases only a person decides.
PERSON_CASE_REASONS: Final = frozenset({LOST_PARCEL, POLICY_EXCEPTION, DAMAGED_ITEM, PERSON_TOPIC})

# --- what the handoff service asks of the bot ---------------------------------------------------
HANDBACK_INTENT: Final = "handback"  # the bot says it is back and runs the survey

# --- custom payload kinds of a person's bot events ------------------------------------------------
AGENT_MESSAGE: Final = "agent_message"  # the agent's words
AGENT_JOINED: Final = "agent_joined"  # a notice
AGENT_LEFT: Final = "agent_left"  # a notice
PAYLOAD_KINDS: Final = frozenset({AGENT_MESSAGE, AGENT_JOINED, AGENT_LEFT})
