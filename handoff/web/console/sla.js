// SLAs (issue 21): each card's status in words and colour with the business time left, the same
// in the chat header, and the team's warning and breach pushes. Kept out of app.js: app.js
// calls slaBadge, renderSla, onSlaLive and installSla, nothing else.

import { el, duration } from "./dom.js";

const $ = (id) => document.getElementById(id);
let hooks = { flash: () => {}, announce: () => {}, upsert: () => {}, cardOf: () => null, selected: () => null };

/** Seconds of business time left now: counted down in the browser while support hours run. */
function left(card) {
  const sla = card.sla;
  if (!sla || sla.seconds_left === null || sla.seconds_left === undefined) return null;
  const since = sla.counting && card.fetchedAt ? (Date.now() - card.fetchedAt) / 1000 : 0;
  return sla.seconds_left - since;
}

/** "SLA warning: first response, 4m 10s left" — the status in words, never by colour alone. */
export function slaText(card) {
  const sla = card && card.sla;
  if (!sla) return null;
  if (!sla.target_label) {  // nothing running: how the targets went
    return sla.breaches ? `SLA breached: ${sla.breaches} target${sla.breaches === 1 ? "" : "s"} missed` : "SLA met";
  }
  const seconds = left(card);
  let status = sla.status;
  if (seconds !== null && seconds <= 0) status = "breached";
  const label = status === sla.status ? sla.status_label : "Breached";
  const time = seconds === null ? "" : seconds > 0 ? `, ${duration(seconds)} left` : `, ${duration(-seconds)} over`;
  return `SLA ${label.toLowerCase()}: ${sla.target_label.toLowerCase()}${time}`;
}

function statusOf(card) {
  const seconds = left(card);
  return seconds !== null && seconds <= 0 ? "breached" : card.sla.status;
}

export function slaBadge(card) {
  const text = slaText(card);
  if (!text) return null;
  return el("span", { className: `sla sla-${statusOf(card)}`, "data-sla": card.id, title: "time left in support hours",
    text: ` · ${text}` });
}

/** The open conversation's SLA line under its heading (its queue card's, kept current, if listed). */
export function renderSla(detail) {
  const line = $("chat-sla");
  if (!line) return;
  const card = hooks.cardOf(detail.id) || { ...detail, fetchedAt: Date.now() };
  const text = slaText(card);
  line.hidden = !text;
  line.className = text ? `sla-line sla-${statusOf(card)}` : "sla-line";
  line.textContent = text || "";
}

/** sla.warning / sla.breached: the card updated, and the team told in words. */
export function onSlaLive(type, data) {
  hooks.upsert(data);
  const who = data.customer_label || "A customer";
  const target = ((data.sla_event && data.sla_event.target_label) || "response").toLowerCase();
  if (type === "sla.warning") {
    const seconds = data.sla && data.sla.seconds_left;
    const text = `SLA warning: ${who}'s ${target} is due in ${duration(seconds)} of support hours.`;
    hooks.flash(text, "warn");
    hooks.announce(text);
  } else if (type === "sla.breached") {
    const text = `SLA breached: ${who}'s ${target} target has passed.`;
    hooks.flash(text, "error");
    hooks.announce(text);
  }
}

export function installSla({ flash, announce, upsert, cardOf, selected }) {
  hooks = { flash, announce, upsert, cardOf, selected };
  setInterval(() => {
    for (const node of document.querySelectorAll("[data-sla]")) {
      const card = cardOf(Number(node.dataset.sla));
      if (!card || !card.sla) continue;
      node.textContent = ` · ${slaText(card)}`;
      node.className = `sla sla-${statusOf(card)}`;
    }
    const open = selected();
    if (open !== null && cardOf(open)) renderSla(cardOf(open));
  }, 1000);
}
