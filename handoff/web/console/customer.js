// The customer across channels (issue 21): who they are, their conversations on every channel
// with outcome and rating, open follow-ups, orders, and the agents' private notes on the customer
// (GET /escalations/{id}/customer; POST and DELETE .../customer/notes). Kept out of app.js:
// app.js calls installCustomer and renderCustomer and nothing else.

import { el, clear, clock } from "./dom.js";

const $ = (id) => document.getElementById(id);
let context = null; // { api, attempt, flash, selected, me }

const CHANNELS = { socketio: "Website chat", telegram: "Telegram", twilio: "SMS", rest: "API", facebook: "Messenger", slack: "Slack" };

function day(seconds) {
  return new Date(seconds * 1000).toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

function escalationLine(escalation) {
  const rating = escalation.csat_rating ? ` · ${"★".repeat(escalation.csat_rating)}` : "";
  const outcome = (escalation.outcome || escalation.state || "").replace(/_/g, " ");
  return el("li", { className: "small" }, [
    el("a", { href: `#escalation-${escalation.id}`, text: escalation.summary_line || escalation.reason,
      onclick: (event) => { event.preventDefault(); context.select(escalation.id); } }),
    el("span", { className: "muted", text: ` · ${outcome}${rating}${escalation.id === context.selected() ? " · this conversation" : ""}` }),
  ]);
}

function conversationView(conversation) {
  const channel = conversation.channel_label || CHANNELS[conversation.channel] || conversation.channel || "Unknown channel";
  const hidden = conversation.other_teams_escalations
    ? el("li", { className: "small muted", text: `${conversation.other_teams_escalations} handled by another team` }) : null;
  return el("li", { className: "customer-conversation" }, [
    el("strong", { text: channel }),
    el("span", { className: "muted", text: ` · verified ${day(conversation.verified_at)}${conversation.orders.length ? ` · ${conversation.orders.join(", ")}` : ""}` }),
    el("ul", { className: "plain" }, [...conversation.escalations.map(escalationLine), hidden]),
  ]);
}

function noteView(note) {
  const me = context.me() || {};
  const mayDelete = me.role === "admin" || me.username === note.author;
  return el("li", { className: "note" }, [
    el("span", { className: "line-head" }, [el("strong", { text: note.author_name || note.author }), el("time", { text: clock(note.at) })]),
    el("p", { className: "line-text", text: note.text }),
    mayDelete ? el("button", { type: "button", className: "small-button", text: "Delete", onclick: () => removeNote(note.id) }) : null,
  ]);
}

async function removeNote(noteId) {
  const id = context.selected();
  const done = await context.attempt(() => context.api.request("DELETE", `/escalations/${id}/customer/notes/${noteId}`), "Note deleted.");
  if (done) renderCustomer(id);
}

export async function renderCustomer(escalationId) {
  const section = $("ctx-customer-fold");
  let record = null;
  try {
    record = await context.api.get(`/escalations/${escalationId}/customer`);
  } catch (error) {
    if (error.status !== 404) context.flash(error.message, "error");
  }
  if (context.selected() !== escalationId) return; // the agent opened another conversation meanwhile
  section.hidden = !record;
  if (!record) return;
  const parts = [
    el("p", {}, [el("strong", { text: record.name || "Customer" }), el("span", { className: "muted", text: ` · ${record.email}` })]),
    record.orders.length ? el("p", { className: "small", text: `Orders: ${record.orders.join(", ")}` }) : null,
    el("ul", { className: "plain", "aria-label": "Their conversations on every channel" }, record.conversations.map(conversationView)),
    record.open_tasks.length
      ? el("div", {}, [el("h3", { text: "Open follow-ups" }), el("ul", { className: "plain small" },
        record.open_tasks.map((task) => el("li", { text: `${task.note} · due ${day(task.due_at)}${task.state !== "open" ? ` (${task.state})` : ""}` })))])
      : null,
  ];
  clear($("ctx-customer")).append(...parts.filter(Boolean)); // append() would write a null as "null"
  const notes = clear($("customer-notes"));
  record.notes.forEach((note) => notes.append(noteView(note)));
  if (!record.notes.length) notes.append(el("li", { className: "muted", text: "No notes on this customer yet" }));
  $("customer-note-text").maxLength = record.max_note_chars;
}

export function installCustomer(ctx) {
  context = ctx;
  $("customer-note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const id = context.selected();
    const text = $("customer-note-text").value.trim();
    if (!text || !id) return;
    const note = await context.attempt(() => context.api.post(`/escalations/${id}/customer/notes`, { text }), "Note added to the customer.");
    if (note) { $("customer-note-text").value = ""; renderCustomer(id); }
  });
}
