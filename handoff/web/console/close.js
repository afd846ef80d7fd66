// Closing (issue 24): one Close action with the outcome the agent chooses, and on the same dialog
// whether to hand the customer back to the bot (which greets them and asks for a rating).
// POST /escalations/{id}/close records exactly that outcome. app.js calls the exported functions.

import { humanize } from "./dom.js";

const $ = (id) => document.getElementById(id);

export const OUTCOME_WORDS = {
  resolved: "Solved", not_resolved: "Not solved", duplicate: "Duplicate", spam: "Spam",
  unnecessary: "Didn't need me", follow_up: "Follow-up by email",
};

/** The outcome in an agent's words, for a card or a header. */
export function outcomeLabel(outcome) {
  return OUTCOME_WORDS[outcome] || humanize(outcome || "");
}

/** Wire the Close button and dialog; `selected()` is the open escalation's id, `done(detail)` takes the answer. */
export function installClose({ api, attempt, flash, selected, done }) {
  const dialog = $("close-dialog");
  $("close-open").addEventListener("click", () => {
    for (const input of dialog.querySelectorAll('input[name="close-outcome"]')) input.checked = false;
    $("close-handback").checked = true;
    $("close-error").textContent = "";
    dialog.showModal();
  });
  // Spam and duplicates are not worth a survey: the hand-back is unticked for them, still changeable.
  for (const input of dialog.querySelectorAll('input[name="close-outcome"]')) {
    input.addEventListener("change", () => { $("close-handback").checked = !["spam", "duplicate"].includes(input.value); });
  }
  $("close-cancel").addEventListener("click", () => dialog.close());
  $("close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = dialog.querySelector('input[name="close-outcome"]:checked');
    if (!chosen) { $("close-error").textContent = "Choose how it ended."; return; }
    const handback = $("close-handback").checked;
    const detail = await attempt(() => api.post(`/escalations/${selected()}/close`, { outcome: chosen.value, handback }));
    if (!detail) return;
    dialog.close();
    flash(`Closed: ${outcomeLabel(chosen.value)}.${handback ? " The bot is answering again and will ask for a rating." : ""}`, "ok");
    done(detail);
  });
}
