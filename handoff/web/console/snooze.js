// Snoozing (issue 21): the holder puts a conversation aside until a time or the customer's reply,
// and wakes it. Kept out of app.js: app.js calls these four functions and nothing else.

import { el } from "./dom.js";

const $ = (id) => document.getElementById(id);

/** "snoozed until Tue 17:00 or a reply · 2 thanks" for a card or the chat header; null when awake. */
export function snoozeLabel(card) {
  const snooze = card && card.snooze;
  if (!snooze) return null;
  const until = snooze.until
    ? `until ${new Date(snooze.until * 1000).toLocaleString([], { weekday: "short", hour: "2-digit", minute: "2-digit" })} or a reply`
    : "until the customer replies";
  const quiet = snooze.quiet_replies ? ` · ${snooze.quiet_replies} quiet repl${snooze.quiet_replies === 1 ? "y" : "ies"}` : "";
  return `snoozed ${until}${quiet}`;
}

export function snoozeBadge(card) {
  const label = snoozeLabel(card);
  return label ? el("span", { className: "snoozed", text: ` · ${label}` }) : null;
}

/** Show the snooze controls for the open conversation (only its holder may use them). */
export function renderSnooze(detail, mine) {
  const form = $("snooze-form");
  if (!form) return;
  form.hidden = !mine || detail.state !== "accepted";
  $("snooze-submit").hidden = Boolean(detail.snooze);
  $("snooze-choice").disabled = Boolean(detail.snooze);
  $("wake").hidden = !detail.snooze;
  $("snooze-state").textContent = snoozeLabel(detail) || "";
}

/** Wire the form; `selected()` is the open escalation's id, `done(detail)` takes the answer. */
export function installSnooze(api, attempt, selected, done) {
  $("snooze-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const hours = Number($("snooze-choice").value);
    const body = hours > 0 ? { until: Date.now() / 1000 + hours * 3600 } : {};
    const detail = await attempt(() => api.put(`/escalations/${selected()}/snooze`, body),
      "Snoozed: a reply that needs you wakes it at once.");
    if (detail) done(detail);
  });
  $("wake").addEventListener("click", async () => {
    const detail = await attempt(() => api.request("DELETE", `/escalations/${selected()}/snooze`), "Woken.");
    if (detail) done(detail);
  });
}
