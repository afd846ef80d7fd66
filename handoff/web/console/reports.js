// The reports dashboard: the period's figures from /reports/*, each chart with the same numbers
// as a text table (the table is what a screen reader and a keyboard use), CSV downloads, gap
// drafts to download, and a one-click follow-up for a dissatisfied customer. Signed in with the
// console's token (sessionStorage, api.js); Chart.js is the vendored UMD build (window.Chart).

import { Api, ApiError } from "./api.js";
import { el, clear } from "./dom.js";

const api = new Api();
const $ = (id) => document.getElementById(id);
const DAY = 86400;
// Dark enough on white for text-level contrast (WCAG AA), and told apart by the tables too.
const COLOURS = ["#2f5d50", "#a15c00", "#3559a8", "#8a2c5b", "#4d5b0f", "#5b6470"];
const REASONS = {
  explicit_request: "Asked for a person", frustration: "Frustration", knowledge_no_match: "No article matched",
  knowledge_rejected: "Answer rejected", nlu_fallback_repeated: "Not understood", verification_failed: "Verification failed",
  flow_failed: "Flow failed", lost_parcel: "Lost parcel", policy_exception: "Policy exception", damaged_item: "Damaged item",
  person_topic: "A person's case",
};
const GROUPS = { explicit: "Explicit", frustration: "Frustration", unresolved: "Unresolved", policy: "Policy" };
const FLOWS = { order_status_form: "Order status", return_form: "Return", order_change_form: "Order change" };
const LEFT = { stopped: "stopped", left: "customer gone", handed_over: "taken over by a person" };
const MEASURES = { wait_to_claim: "Wait to claim", first_response: "First response", resolution: "Resolution" };
const SIGNALS = { csat_low: "CSAT 1-2", frustration: "High frustration", reopened: "Reopened", repeat_contact: "Came back within 7 days" };
const charts = {};
let data = {};

function flash(text, kind = "info") {
  const node = $("flash");
  node.textContent = text;
  node.className = `flash ${kind}`;
  node.hidden = !text;
}

const percent = (rate) => (rate === null || rate === undefined ? "–" : `${(rate * 100).toFixed(1)}%`);
const number = (value) => (value === null || value === undefined ? "–" : String(value));
const seconds = (value) => {
  if (value === null || value === undefined) return "–";
  if (value < 120) return `${Math.round(value)} s`;
  if (value < 7200) return `${(value / 60).toFixed(1)} min`;
  return `${(value / 3600).toFixed(1)} h`;
};
const day = (unix) => new Date(unix * 1000).toISOString().slice(0, 10);
const reason = (key) => REASONS[key] || key;

// ---------- the period ----------
// A link may name the exact period in Unix seconds (?since=&until=, as the API takes them): the
// dates then show its days, and the period stays exact until the form is used.
const linked = new URLSearchParams(window.location.search);
let exact = linked.has("since") && linked.has("until") ? { since: linked.get("since"), until: linked.get("until") } : null;

function period() {
  if (exact) {
    const params = new URLSearchParams(exact);
    if ($("team").value) params.set("team", $("team").value);
    if ($("channel").value) params.set("channel", $("channel").value);
    return params;
  }
  const since = Date.parse(`${$("since").value}T00:00:00Z`) / 1000;
  const until = Date.parse(`${$("until").value}T00:00:00Z`) / 1000 + DAY; // "To" is inclusive
  const params = new URLSearchParams({ since: String(since), until: String(until) });
  if ($("team").value) params.set("team", $("team").value);
  if ($("channel").value) params.set("channel", $("channel").value);
  return params;
}

function defaultDates() {
  if (exact) {
    $("since").value = day(Number(exact.since));
    $("until").value = day(Number(exact.until) - 1);
    return;
  }
  const today = Math.floor(Date.now() / 1000 / DAY) * DAY;
  $("until").value = day(today);
  $("since").value = day(today - 29 * DAY);
}

// ---------- tables ----------
function table(id, header, rows, numeric = []) {
  const node = clear($(id));
  node.appendChild(el("thead", {}, el("tr", {}, header.map((h, i) =>
    el("th", { scope: "col", className: numeric.includes(i) ? "number" : "" , text: h })))));
  const body = el("tbody");
  if (!rows.length) body.appendChild(el("tr", {}, el("td", { colspan: header.length, text: "Nothing in this period." })));
  for (const row of rows) {
    body.appendChild(el("tr", {}, row.map((cell, i) =>
      i === 0 ? el("th", { scope: "row", text: cell }) : el("td", { className: numeric.includes(i) ? "number" : "" }, cell))));
  }
  node.appendChild(body);
}

function chart(id, config) {
  if (charts[id]) charts[id].destroy();
  charts[id] = new window.Chart($(id), config);
}

// ---------- each report ----------
function renderOverview(contained, handovers, csat, flows, levels) {
  const kpis = [
    ["Conversations", number(contained.conversations)],
    ["Contained by the bot", percent(contained.rate)],
    ["Durable containment", percent(contained.durable_rate)],
    ["Handed over", number(contained.handed_over)],
    ["Could not hand over", number(contained.could_not_hand_over)],
    ["Hand-overs asked", number(handovers.total)],
    ["Didn't need me", number(handovers.unneeded)],
    ["Detector false positives", percent(handovers.detector_false_positive_rate)],
    ["Flows completed", number(flows.completed)],
    ["Flows abandoned", number(flows.abandoned)],
    ["CSAT average", csat.average === null ? "–" : `${csat.average} / 5`],
    ["CSAT 4 or 5", percent(csat.share_4_5)],
    ["CSAT response rate", percent(csat.response_rate)],
    ["SLA warnings", number(levels.sla_warning)],
    ["SLA breaches", number(levels.sla_breach)],
    ["Follow-ups due", number(levels.followup_due)],
  ];
  const list = clear($("kpis"));
  for (const [name, value] of kpis) {
    list.appendChild(el("div", { "data-kpi": name }, [el("dt", { text: name }), el("dd", { text: value })]));
  }
}

function renderTrend(given) {
  // Days with nothing are shown as nothing, not left out: the axis is the calendar.
  const rows = [];
  for (let index = 0; index < given.length; index += 1) {
    const previous = rows.length ? rows[rows.length - 1].day : null;
    for (let d = previous === null ? given[index].day : previous + DAY; d < given[index].day && rows.length < 400; d += DAY) {
      rows.push({ day: d, conversations: 0, bot_only: 0, handovers: 0, rate: null });
    }
    rows.push(given[index]);
  }
  chart("trend-chart", {
    data: {
      labels: rows.map((r) => day(r.day)),
      datasets: [
        { type: "bar", label: "Hand-overs", data: rows.map((r) => r.handovers), backgroundColor: COLOURS[1], yAxisID: "count" },
        { type: "line", label: "Contained (%)", data: rows.map((r) => (r.rate === null ? null : r.rate * 100)),
          borderColor: COLOURS[0], backgroundColor: COLOURS[0], yAxisID: "percent" },
      ],
    },
    options: { maintainAspectRatio: false, scales: {
      count: { position: "left", beginAtZero: true, title: { display: true, text: "hand-overs" } },
      percent: { position: "right", min: 0, max: 100, title: { display: true, text: "contained %" }, grid: { drawOnChartArea: false } },
    } },
  });
  table("trend-table", ["Day", "Conversations", "Contained", "Contained %", "Hand-overs"],
    rows.map((r) => [day(r.day), number(r.conversations), number(r.bot_only), percent(r.rate), number(r.handovers)]), [1, 2, 3, 4]);
}

function renderHandovers(report) {
  const entries = Object.entries(report.by_reason);
  chart("handovers-chart", {
    type: "bar",
    data: { labels: entries.map(([k]) => reason(k)), datasets: [{ label: "Hand-overs", data: entries.map(([, n]) => n), backgroundColor: COLOURS[2] }] },
    options: { indexAxis: "y", maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  });
  table("handovers-table", ["Reason", "Hand-overs", "Share of conversations"],
    entries.map(([k, n]) => [reason(k), number(n), percent(report.rate_by_reason[k])]), [1, 2]);
}

function renderGroups(report) {
  table("handover-groups-table", ["Kind of reason", "Hand-overs", "Didn't need me"],
    [...Object.entries(report.by_group).map(([g, n]) => [GROUPS[g] || g, number(n), number(report.unneeded_by_group[g])]),
      ["All", number(report.total), `${number(report.unneeded)} (${percent(report.unneeded_rate)})`],
      ["Detector false-positive rate", "", percent(report.detector_false_positive_rate)]], [1, 2]);
}

function renderFlows(report) {
  // Left by the customer (LEFT) or for a person, named as the hand-over reasons are.
  const why = (counts) => Object.entries(counts).map(([k, n]) => `${LEFT[k] || reason(k)} (${n})`).join(", ");
  table("flows-table", ["Flow", "Completed", "Abandoned", "Completed %", "Why abandoned"],
    [...Object.entries(report.by_flow).map(([name, r]) => [FLOWS[name] || name, number(r.completed), number(r.abandoned),
      percent(r.completion_rate), why(r.abandoned_why) || "–"]),
    ["All", number(report.completed), number(report.abandoned), percent(report.completion_rate), ""]], [1, 2, 3]);
}

function renderLevels(report) {
  table("levels-table", ["Team", "SLA warnings", "SLA breaches", "Follow-ups due"],
    [...Object.entries(report.by_team).map(([team, r]) => [team, number(r.sla_warning), number(r.sla_breach), number(r.followup_due)]),
      ["All", number(report.sla_warning), number(report.sla_breach), number(report.followup_due)]], [1, 2, 3]);
}

function renderTimes(report) {
  const names = Object.keys(MEASURES);
  const labels = Object.keys(report.wait_to_claim.buckets);
  chart("times-chart", {
    type: "bar",
    data: { labels, datasets: names.map((name, i) => ({ label: MEASURES[name], data: labels.map((l) => report[name].buckets[l]), backgroundColor: COLOURS[i] })) },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, title: { display: true, text: "conversations" } } } },
  });
  table("times-table", ["Measure", "Count", "p50", "p90", ...labels],
    names.map((name) => [MEASURES[name], number(report[name].count), seconds(report[name].p50), seconds(report[name].p90),
      ...labels.map((l) => number(report[name].buckets[l]))]), [1, 2, 3, ...labels.map((_, i) => i + 4)]);
}

function renderCsat(report) {
  const split = $("csat-split").value;
  const entries = Object.entries(report.by[split] || {});
  const label = (key) => (split === "reason" ? reason(key) : split === "segment" ? key.replace("_", " ") : key);
  chart("csat-chart", {
    type: "bar",
    data: { labels: entries.map(([k]) => label(k)), datasets: [{ label: "Average rating", data: entries.map(([, f]) => f.average), backgroundColor: COLOURS[0] }] },
    options: { maintainAspectRatio: false, plugins: { legend: { display: false } }, scales: { y: { min: 0, max: 5 } } },
  });
  table("csat-table", ["Segment", "Ratings", "Average", "4 or 5", "Response rate"],
    entries.map(([k, f]) => [label(k), number(f.responses), number(f.average), percent(f.share_4_5), percent(f.response_rate)]), [1, 2, 3, 4]);
}

function renderAnswers(report) {
  table("answers-table", ["Article", "Given", "Helped: yes", "Helped: no", "Hand-over followed", "Page: yes", "Page: no"],
    Object.entries(report).map(([article, r]) => [article, number(r.given), number(r.helped_yes), number(r.helped_no),
      number(r.handover_followed), number(r.page_yes), number(r.page_no)]), [1, 2, 3, 4, 5, 6]);
}

function renderGaps(report) {
  $("gaps-status").textContent = `${report.questions} questions, ${report.clusters.length} groups.`;
  const list = clear($("gaps-list"));
  for (const cluster of report.clusters) {
    const wrong = cluster.wrongly_given.map((w) => `${w.article} (${w.times})`).join(", ");
    list.appendChild(el("li", { "data-cluster": cluster.id }, [
      el("strong", { text: cluster.size === 1 ? "1 question" : `${cluster.size} questions` }),
      ` · ${cluster.no_match} unanswered, ${cluster.rejected} answers rejected`,
      wrong ? el("p", { className: "small", text: `Wrongly given: ${wrong}` }) : null,
      el("ul", {}, cluster.examples.map((text) => el("li", { text }))),
      el("button", { type: "button", className: "small-button", onclick: () => download(`/reports/gaps/${cluster.id}/draft`, `draft-${cluster.id}.md`) },
        `Download draft article (${cluster.examples[0].slice(0, 40)})`),
    ]));
  }
}

function renderDissatisfied(report) {
  const node = clear($("dissatisfied-table"));
  node.appendChild(el("thead", {}, el("tr", {}, ["Conversation", "Customer", "Team", "Agent", "Why", "Last sign", "Follow-up"]
    .map((h) => el("th", { scope: "col", text: h })))));
  const body = el("tbody");
  if (!report.conversations.length) body.appendChild(el("tr", {}, el("td", { colspan: 7, text: "Nothing in this period." })));
  for (const row of report.conversations) {
    const action = row.escalation_id
      ? el("button", { type: "button", className: "small-button", onclick: (event) => followUp(row, event.currentTarget) }, "Create follow-up")
      : el("span", { className: "muted", text: "the bot's conversation: no escalation" });
    body.appendChild(el("tr", { "data-sender": row.sender_id }, [
      el("th", { scope: "row", text: row.escalation_id ? `#${row.escalation_id}` : row.sender_id }),
      el("td", { text: row.customer || "–" }), el("td", { text: row.team || "–" }), el("td", { text: row.agent || "–" }),
      el("td", { text: row.signals.map((s) => SIGNALS[s] || s).join(", ") + (row.csat ? ` (${row.csat})` : "") }),
      el("td", { text: new Date(row.last_at * 1000).toLocaleString() }), el("td", {}, action),
    ]));
  }
  node.appendChild(body);
}

// ---------- actions ----------
async function followUp(row, button) {
  button.disabled = true;
  try {
    const task = await api.post(`/reports/dissatisfied/${row.escalation_id}/follow-up?${period()}`);
    button.replaceWith(el("span", { text: `Follow-up due ${new Date(task.due_at * 1000).toLocaleString()}` }));
    flash(`Follow-up created for escalation #${row.escalation_id}; it is in your follow-ups.`, "ok");
  } catch (error) {
    button.disabled = false;
    flash(error instanceof ApiError ? error.message : String(error), "error");
  }
}

async function download(path, name) {
  const separator = path.includes("?") ? "&" : "?";
  const response = await fetch(`${path}${separator}${period()}`, { headers: { Authorization: `Bearer ${api.token}` } });
  if (!response.ok) {
    flash(`The download failed (HTTP ${response.status}).`, "error");
    return;
  }
  const disposition = response.headers.get("Content-Disposition") || "";
  const match = disposition.match(/filename="([^"]+)"/);
  const url = URL.createObjectURL(await response.blob());
  const link = el("a", { href: url, download: match ? match[1] : name });
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function load() {
  $("status").textContent = "Loading…";
  const params = period();
  try {
    const names = ["summary", "trend", "times", "csat", "dissatisfied"];
    const replies = await Promise.all(names.map((name) => api.get(`/reports/${name}?${params}`)));
    data = Object.fromEntries(names.map((name, i) => [name, replies[i]]));
    const summary = data.summary;
    renderOverview(summary.containment, summary.handovers, summary.csat, summary.flows, summary.service_levels);
    renderTrend(data.trend.trend);
    renderHandovers(summary.handovers);
    renderGroups(summary.handovers);
    renderFlows(summary.flows);
    renderLevels(summary.service_levels);
    renderTimes(data.times.times);
    renderCsat(data.csat.csat);
    renderAnswers(summary.answers);
    renderDissatisfied(data.dissatisfied.dissatisfied);
    $("status").textContent = `Shown: ${$("since").value} to ${$("until").value}.`;
  } catch (error) {
    $("status").textContent = "";
    flash(error instanceof ApiError ? error.message : String(error), "error");
    return;
  }
  // The gaps run the sentence model: shown when they come, without holding up the rest.
  $("gaps-status").textContent = "Grouping questions…";
  try {
    renderGaps((await api.get(`/reports/gaps?${params}`)).gaps);
  } catch (error) {
    $("gaps-status").textContent = error instanceof ApiError ? error.message : String(error);
  }
}

async function start() {
  window.Chart.defaults.animation = false; // no motion; the figures are there at once
  window.Chart.defaults.color = "#1d232b";
  api.onUnauthorized = () => { $("dashboard").hidden = true; $("signed-out").hidden = false; };
  if (!api.token) {
    $("signed-out").hidden = false;
    return;
  }
  let me;
  try {
    me = await api.get("/agents/me");
  } catch {
    $("signed-out").hidden = false;
    return;
  }
  // Admins see every team, a team lead the teams they lead, nobody else (decision 0236; the API says the same).
  const teams = me.role === "admin" ? ["returns", "delivery", "general"] : me.leads || [];
  $("me-name").textContent = `${me.display_name} (${me.role === "admin" ? "every team" : `lead of ${teams.join(", ")}`})`;
  if (!teams.length) {
    $("me-name").textContent = me.display_name;
    $("not-a-lead").hidden = false;
    return;
  }
  for (const team of teams) $("team").appendChild(el("option", { value: team, text: team[0].toUpperCase() + team.slice(1) }));
  defaultDates();
  $("dashboard").hidden = false;
  $("filters").addEventListener("submit", (event) => { event.preventDefault(); exact = null; load(); });
  $("csat-split").addEventListener("change", () => data.csat && renderCsat(data.csat.csat));
  for (const button of document.querySelectorAll("[data-csv]")) {
    button.addEventListener("click", () => download(`/reports/${button.dataset.csv}.csv`, `${button.dataset.csv}.csv`));
  }
  await load();
}

start();
