// Transfers (issue 24): a picker of teams and agents with presence and load, from
// GET /escalations/{id}/transfer-targets (only the agents this agent may see), a required note,
// and that note pinned above the transcript for the agent who receives it, with the customer's
// words nobody answered yet. app.js calls the exported functions and nothing else.

import { el, clear, clock, humanize } from "./dom.js";

const $ = (id) => document.getElementById(id);
const STATUS_WORDS = { online: "online", away: "away", offline: "offline" };

function teamOption(team) {
  const id = `transfer-team-${team.team}`;
  const people = `${team.online} online`;
  const waiting = team.waiting ? ` · ${team.waiting} waiting` : "";
  return el("li", { className: "target" }, [
    el("input", { type: "radio", name: "transfer-target", id, value: `team:${team.team}` }),
    el("label", { for: id }, [
      el("strong", { text: `${humanize(team.team)} team` }),
      el("span", { className: "muted", text: ` · ${people}${waiting}${team.current ? " · its team now" : ""}` }),
    ]),
  ]);
}

function agentOption(agent) {
  const id = `transfer-agent-${agent.username}`;
  const load = `${agent.load} of ${agent.capacity} chats`;
  return el("li", { className: `target${agent.available ? "" : " unavailable"}`, "data-username": agent.username }, [
    el("input", { type: "radio", name: "transfer-target", id, value: `agent:${agent.username}`, disabled: !agent.available }),
    el("label", { for: id }, [
      el("span", { className: `presence-dot presence-${agent.status}`, title: STATUS_WORDS[agent.status] || agent.status }),
      el("strong", { text: `${agent.display_name}${agent.is_me ? " (you)" : ""}` }),
      el("span", { className: "muted", text: ` · ${STATUS_WORDS[agent.status] || agent.status} · ${load} · ${agent.teams.map(humanize).join(", ")}` }),
      agent.why_not && agent.why_not !== agent.status ? el("span", { className: "why-not", text: ` · ${agent.why_not}` }) : null,
    ]),
  ]);
}

/** Wire the Transfer button and dialog; `selected()` is the open escalation's id, `done(detail)` takes the answer. */
export function installTransfer({ api, attempt, flash, selected, done }) {
  const dialog = $("transfer-dialog");
  $("transfer-open").addEventListener("click", async () => {
    const id = selected();
    const targets = await attempt(() => api.get(`/escalations/${id}/transfer-targets`));
    if (!targets || selected() !== id) return;
    clear($("transfer-teams")).append(...targets.teams.map(teamOption));
    const agents = clear($("transfer-agents"));
    agents.append(...targets.agents.filter((agent) => !agent.is_me).map(agentOption));
    if (!agents.childElementCount) agents.append(el("li", { className: "muted", text: "No other agent" }));
    $("transfer-note").value = "";
    $("transfer-error").textContent = "";
    dialog.showModal();
  });
  $("transfer-note").addEventListener("input", () => { $("transfer-error").textContent = ""; });
  $("transfer-cancel").addEventListener("click", () => dialog.close());
  $("transfer-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const chosen = dialog.querySelector('input[name="transfer-target"]:checked');
    const note = $("transfer-note").value.trim();
    if (!chosen) { $("transfer-error").textContent = "Choose a team or an agent."; return; }
    if (!note) { $("transfer-error").textContent = "Write a note for whoever takes it next."; $("transfer-note").focus(); return; }
    const [kind, name] = chosen.value.split(/:(.*)/s);
    const body = kind === "agent" ? { agent: name, note } : { team: name, note };
    const detail = await attempt(() => api.post(`/escalations/${selected()}/transfer`, body));
    if (!detail) return;  // the error is flashed; the dialog stays open with what was typed
    dialog.close();
    flash(kind === "agent" ? `Passed to ${detail.agent_name || name}.` : `Passed to the ${humanize(name)} team.`, "ok");
    done(detail);
  });
}

/** The latest transfer's note and the customer's unanswered words, above the transcript. */
export function renderTransferPin(detail, me) {
  const pin = $("transfer-pin");
  const transfer = detail && detail.transfer;
  pin.hidden = !transfer;
  if (!transfer) return;
  const toMe = transfer.to_agent === me;
  const whom = transfer.to_agent ? (toMe ? "you" : transfer.to_agent_name) : `the ${humanize(transfer.to_team)} team`;
  clear(pin).append(
    el("p", { className: "pin-head" }, [
      el("strong", { text: `${transfer.by_name} passed this to ${whom}` }),
      el("time", { className: "muted", text: ` ${clock(transfer.at)}` }),
    ]),
    el("p", { className: "pin-note", text: transfer.note }),
    transfer.unanswered && transfer.unanswered.length ? el("div", { className: "pin-unanswered" }, [
      el("p", { className: "small", text: "Not answered yet:" }),
      el("ul", {}, transfer.unanswered.map((line) => el("li", { text: line.text }))),
    ]) : null,
  );
}

/** Mark the transcript lines nobody answered before the transfer. */
export function markUnanswered(detail) {
  const transfer = detail && detail.transfer;
  for (const line of (transfer && transfer.unanswered) || []) {
    if (!line.id) continue;
    const node = document.querySelector(`#transcript [data-line-id="${CSS.escape(String(line.id))}"]`);
    if (node) node.classList.add("unanswered");
  }
}

/** " · from Maya: note…" on a queue card that was passed on. */
export function transferBadge(card) {
  const transfer = card && card.transfer;
  if (!transfer) return null;
  const note = transfer.note.length > 60 ? `${transfer.note.slice(0, 59)}…` : transfer.note;
  return el("span", { className: "transferred", title: transfer.note, text: ` · from ${transfer.by_name}: ${note}` });
}
