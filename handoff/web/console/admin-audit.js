// The admin page's Audit tab: who changed what and when, newest first, a page at a time.

import { el, clear } from "./dom.js";

const PAGE = 50;
let page;
let latest = 0; // the newest load: an older answer that arrives later is not shown

function shown(value) {
  if (value === undefined || value === null) return "—";
  if (Array.isArray(value)) return value.join(", ") || "none";
  if (typeof value === "boolean") return value ? "yes" : "no";
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function change(event) {
  const before = event.before || {};
  const after = event.after || {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  if (!keys.length) return el("span", { className: "muted", text: "—" });
  return el("ul", { className: "plain change" }, keys.map((key) => {
    const name = key.replace(/_/g, " ");
    if (!(key in before)) return el("li", { text: `${name}: ${shown(after[key])}` });
    if (!(key in after)) return el("li", { text: `${name} was: ${shown(before[key])}` });
    return el("li", { text: `${name}: ${shown(before[key])} → ${shown(after[key])}` });
  }));
}

export async function loadAudit(before) {
  const query = `?limit=${PAGE}${before ? `&before=${before}` : ""}`;
  const ticket = ++latest;
  const result = await page.attempt(() => page.api.get(`/audit${query}`));
  if (ticket !== latest || !result) return;
  const rows = clear(page.$("audit-rows"));
  for (const event of result.events) {
    rows.append(el("tr", {}, [
      el("td", { text: new Date(event.at * 1000).toLocaleString() }),
      el("td", { text: event.actor }),
      el("td", { text: event.action.replace(/[._]/g, " ") }),
      el("td", { text: event.target }),
      el("td", {}, [change(event)]),
    ]));
  }
  if (!result.events.length) rows.append(el("tr", {}, [el("td", { colspan: "5", className: "muted", text: "Nothing recorded." })]));
  page.$("audit-older").disabled = result.next_before === null;
  page.$("audit-older").dataset.before = result.next_before ?? "";
}

export function installAudit(context) {
  page = context;
  page.$("audit-newest").addEventListener("click", () => loadAudit(null));
  page.$("audit-older").addEventListener("click", (event) => loadAudit(Number(event.currentTarget.dataset.before)));
}
