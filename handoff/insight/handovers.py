"""Hand-overs: how many conversations a person was asked for, by reason, by the issue's four
groups of reasons (REASON_GROUPS, decision 0225) and by who caused it (the customer asked, the
frustration rule judged, a bot flow gave up), as a share of the conversations started; and the
hand-overs the agent closed as "didn't need me": the detector's false-positive rate in
production is those of the frustration rule over all it caused."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from contract import bot_handoff as contract
from handoff.insight.daily import counts
from handoff.insight.period import Period, rate

GROUPS = ("explicit", "frustration", "unresolved", "policy")
REASON_GROUPS = {
    contract.EXPLICIT_REQUEST: "explicit",
    "frustration": "frustration",
    # The bot tried and could not: no answer, answers rejected, not understood, its order system down.
    contract.KNOWLEDGE_NO_MATCH: "unresolved", contract.KNOWLEDGE_REJECTED: "unresolved",
    contract.NLU_FALLBACK_REPEATED: "unresolved", contract.FLOW_FAILED: "unresolved",
    # Cases only a person may decide: identity not proven, lost parcels, exceptions, damage.
    contract.VERIFICATION_FAILED: "policy", contract.LOST_PARCEL: "policy", contract.POLICY_EXCEPTION: "policy",
    contract.DAMAGED_ITEM: "policy", contract.PERSON_TOPIC: "policy",
}


def group_of(reason: str | None) -> str:
    """A reason's group; one not known here (a new reason of the bot's) is "unresolved": the bot
    could not finish it."""
    return REASON_GROUPS.get(reason or "", "unresolved")


def handovers(session: Session, period: Period, conversations: int) -> dict[str, Any]:
    counted = counts(session, period, ("handover_asked", "handover_unneeded"), ("kind", "reason", "actor"),
                     by_team=True)
    by_reason: dict[str, int] = {}
    by_actor: dict[str, int] = {}
    by_group = dict.fromkeys(GROUPS, 0)
    unneeded = dict.fromkeys(GROUPS, 0)
    for kind, reason, actor, count in counted:
        if kind == "handover_unneeded":
            unneeded[group_of(reason)] += int(count)
            continue
        by_reason[reason or "unknown"] = by_reason.get(reason or "unknown", 0) + int(count)
        by_actor[actor] = by_actor.get(actor, 0) + int(count)
        by_group[group_of(reason)] += int(count)
    total = sum(by_reason.values())
    return {"total": total, "rate": rate(total, conversations),
            "by_reason": dict(sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))),
            "rate_by_reason": {reason: rate(n, conversations) for reason, n in sorted(by_reason.items())},
            "by_group": by_group,
            "by_actor": dict(sorted(by_actor.items())),
            "unneeded": sum(unneeded.values()), "unneeded_by_group": unneeded,
            "unneeded_rate": rate(sum(unneeded.values()), total),
            "detector_false_positive_rate": rate(unneeded["frustration"], by_group["frustration"])}
