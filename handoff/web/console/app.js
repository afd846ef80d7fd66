// The agent console: sign in, the live queue, one conversation with its context, and the
// agent's actions. State comes from the REST API; the WebSocket says when something changed.

import { Api, ApiError, LiveSocket } from "./api.js";
import { el, clear, clock, duration, humanize, linkified, safeHref, valueView } from "./dom.js";
import { installSnooze, renderSnooze, snoozeBadge } from "./snooze.js";
import { installSla, onSlaLive, renderSla, slaBadge } from "./sla.js";
import { installTasks, loadTasks, onTaskLive, renderTaskForm } from "./tasks.js";
import { installCustomer, renderCustomer } from "./customer.js";
import { installTransfer, markUnanswered, renderTransferPin, transferBadge } from "./transfer.js";
import { installClose, outcomeLabel } from "./close.js";

const api = new Api();
const $ = (id) => document.getElementById(id);

const state = {
  me: null,
  cards: new Map(), // escalation id -> card (as listed), with the local time it was fetched
  selected: null, // escalation id
  detail: null,
  unread: new Set(),
  live: null,
  typingSentAt: 0,
  typedAt: 0, // the agent's last keystroke in the reply box
  shownLines: new Set(), // stream ids of the transcript lines shown
  pushedLines: [], // lines that came by push, with their stream ids (renderTranscript)
  customerTypingTimer: null,
};

// ---------- feedback ----------
function flash(text, kind = "info") {
  const node = $("flash");
  node.textContent = text;
  node.className = `flash ${kind}`;
  node.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { node.hidden = true; }, 6000);
}
function announce(text) {
  $("announcer").textContent = text;
}
async function attempt(action, success) {
  try {
    const result = await action();
    if (success) flash(success, "ok");
    return result;
  } catch (error) {
    flash(error instanceof ApiError ? error.message : String(error), "error");
    return undefined;
  }
}

// ---------- sign in / out ----------
function showLogin(message = "") {
  $("app-view").hidden = true;
  $("login-view").hidden = false;
  $("login-error").textContent = message;
  $("login-username").focus();
  if (state.live) state.live.close();
}

async function showApp() {
  state.me = await api.get("/agents/me");
  $("login-view").hidden = true;
  $("app-view").hidden = false;
  $("me-name").textContent = `${state.me.display_name} (${(state.me.teams || []).join(", ")})`;
  $("presence").value = state.me.status === "away" ? "away" : "online";
  $("admin-link").hidden = state.me.role !== "admin"; // admin.js: agents, teams, canned replies, audit
  // The reports are for admins and team leads (decision 0236); the API refuses anyone else.
  $("reports-link").hidden = !(state.me.role === "admin" || (state.me.leads || []).length);
  setupQueue();
  await Promise.all([loadCanned(), loadTasks()]);
  state.live = new LiveSocket(api, { onMessage: onLive, onState: onLiveState });
  state.live.open();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  $("login-error").textContent = "";
  try {
    await api.login($("login-username").value.trim(), $("login-password").value);
    $("login-password").value = "";
    await showApp();
  } catch (error) {
    $("login-error").textContent = error.message;
  }
});

$("logout").addEventListener("click", async () => {
  await api.signOut();
  state.selected = null;
  showLogin("You are signed out.");
});
api.onUnauthorized = (detail) => showLogin(`Please sign in again (${detail}).`);

$("presence").addEventListener("change", async (event) => {
  const status = event.target.value;
  const me = await attempt(() => api.put("/agents/me/presence", { status }), `You are ${status}.`);
  if (me) state.me = { ...state.me, ...me };
});

function onLiveState(connected) {
  const pill = $("live-state");
  pill.textContent = connected ? "live" : "reconnecting…";
  pill.className = `pill ${connected ? "ok" : "warn"}`;
  if (connected) loadQueue(); // catch up on whatever happened while the socket was down
}

// ---------- the queue (issue 24, "A queue that works at 50") ----------
// The API filters, searches, sorts and pages (GET /escalations); the console asks for one view
// at a time and asks again when anything changes. Live pushes only say "something changed".
const REASONS = ["explicit_request", "frustration", "lost_parcel", "damaged_item", "policy_exception",
  "verification_failed", "flow_failed", "knowledge_no_match", "knowledge_rejected", "person_topic"];
const PAGE = 100;

const queueView = {
  view: "unassigned",
  counts: { unassigned: null, mine: null },
  loading: 0, // a sequence number: an answer to an older request is dropped
  reloadTimer: null,
};

function queueParams(view) {
  const params = new URLSearchParams({ view, limit: String(PAGE) });
  const q = $("queue-search").value.trim();
  if (q) params.set("q", q);
  for (const [key, id] of [["team", "queue-team"], ["channel", "queue-channel"], ["reason", "queue-reason"]]) {
    if ($(id).value) params.set(key, $(id).value);
  }
  params.set("sort", $("queue-sort").value);
  return params;
}

async function loadQueue() {
  const seq = ++queueView.loading;
  const view = queueView.view;
  const [cards, waitingCards, mineCards] = await Promise.all([
    attempt(() => api.get(`/escalations?${queueParams(view)}`)),
    // The tab counts ignore the filters: they say how much work there is.
    view === "unassigned" ? null : attempt(() => api.get(`/escalations?view=unassigned&limit=${PAGE}`)),
    view === "mine" ? null : attempt(() => api.get(`/escalations?view=mine&limit=${PAGE}`)),
  ]);
  if (!cards || seq !== queueView.loading) return;
  state.cards.clear();
  const now = Date.now();
  for (const card of cards) state.cards.set(card.id, { ...card, fetchedAt: now });
  if (view === "unassigned" && !$("queue-search").value.trim() && !filtered()) queueView.counts.unassigned = cards.length;
  else if (waitingCards) queueView.counts.unassigned = waitingCards.length;
  if (view === "mine" && !filtered()) queueView.counts.mine = cards.length;
  else if (mineCards) queueView.counts.mine = mineCards.length;
  addReasons(cards);
  renderQueue();
}

function filtered() {
  return ["queue-search", "queue-team", "queue-channel", "queue-reason"].some((id) => $(id).value.trim());
}

// Many pushes in a burst (50 escalations arriving) cause one reload, not fifty.
function reloadQueueSoon() {
  clearTimeout(queueView.reloadTimer);
  queueView.reloadTimer = setTimeout(loadQueue, 300);
}

function addReasons(cards) {
  const select = $("queue-reason");
  const known = new Set([...select.options].map((o) => o.value));
  for (const reason of [...REASONS, ...cards.map((c) => c.reason)]) {
    if (reason && !known.has(reason)) {
      known.add(reason);
      select.append(el("option", { value: reason, text: humanize(reason) }));
    }
  }
}

function setView(view) {
  queueView.view = view;
  for (const tab of document.querySelectorAll("#queue-views [data-view]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === view));
  }
  $("queue-sort").value = view === "closed" ? "newest" : view === "unassigned" ? "waiting" : "priority";
  loadQueue();
}

function setupQueue() {
  for (const tab of document.querySelectorAll("#queue-views [data-view]")) {
    if (tab.dataset.admin !== undefined) tab.hidden = !(state.me && state.me.role === "admin");
    tab.onclick = () => setView(tab.dataset.view);
  }
  $("queue-filters").onsubmit = (event) => { event.preventDefault(); loadQueue(); };
  $("queue-search").oninput = reloadQueueSoon;
  for (const id of ["queue-team", "queue-channel", "queue-reason", "queue-sort"]) $(id).onchange = loadQueue;
  setupNotifications();
  setView(queueView.view);
}

function upsertCard(card) {
  if (!card || card.id === undefined) return;
  const known = state.cards.get(card.id);
  if (known) state.cards.set(card.id, { ...known, ...card, fetchedAt: Date.now() });
  renderQueue();
  reloadQueueSoon(); // the card may have left this view, or entered it
}

function waiting(card) {
  return (card.waiting_seconds || 0) + (card.state === "queued" ? (Date.now() - card.fetchedAt) / 1000 : 0);
}

function cardView(card) {
  const selected = card.id === state.selected;
  const unread = state.unread.has(card.id);
  const closed = card.state === "completed" || card.state === "failed";
  const priority = card.priority_word;
  const button = el("button", {
    type: "button", className: `card-button${selected ? " selected" : ""}`, "aria-current": selected ? "true" : null,
    // The whole transfer note on hover: the card's parts take no pointer events (console.css).
    title: !closed && card.transfer ? `Note from ${card.transfer.by_name}: ${card.transfer.note}` : null,
    onclick: () => select(card.id),
  }, [
    el("span", { className: "card-top" }, [
      el("strong", { className: "customer", text: card.customer_label || "Visitor" }),
      priority ? el("span", { className: `priority priority-${priority}`, title: `priority ${card.priority}`, text: priority }) : null,
      closed ? el("span", { className: "outcome", text: card.outcome ? outcomeLabel(card.outcome) : humanize(card.state) }) : null,
    ]),
    el("span", { className: "summary", text: card.summary_line || humanize(card.reason || "escalation") }),
    el("span", { className: "card-meta" }, [
      el("span", { className: "channel", text: card.channel_label || card.channel || "Unknown channel" }),
      el("span", { className: "team", text: ` · ${humanize(card.team)}` }),
      card.order_number ? el("span", { className: "order", text: ` · ${card.order_number}` }) : null,
      card.state === "queued" ? el("span", { className: "wait", "data-wait": card.id, text: ` · waiting ${duration(waiting(card))}` }) : null,
      card.agent_name && card.state === "accepted" ? el("span", { text: ` · ${card.agent_name}` }) : null,
      closed && card.closed_at ? el("span", { text: ` · closed ${dayAndTime(card.closed_at)}` }) : null,
      closed && card.csat_rating ? el("span", { className: "rating", title: `rated ${card.csat_rating} of 5`, text: ` · ${"★".repeat(card.csat_rating)}` }) : null,
      unread ? el("span", { className: "unread", text: " · new message" }) : null,
      snoozeBadge(card),
      slaBadge(card),
      closed ? null : transferBadge(card),
    ]),
  ]);
  return el("li", { className: `queue-card state-${card.state}`, "data-escalation-id": card.id, "data-sender-id": card.sender_id }, [button]);
}

function dayAndTime(seconds) {
  return new Date(seconds * 1000).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

// The queue is redrawn on every push and reload. A card keeps its list item and button, with
// their content brought up to date in place: a button replaced between the press and the release
// of a click lost the click, and agents' clicks on a conversation did nothing now and then.
function adopt(kept, fresh) {
  for (const [node, model] of [[kept, fresh], [kept.firstElementChild, fresh.firstElementChild]]) {
    for (const name of node.getAttributeNames()) if (!model.hasAttribute(name)) node.removeAttribute(name);
    for (const name of model.getAttributeNames()) node.setAttribute(name, model.getAttribute(name));
  }
  kept.firstElementChild.replaceChildren(...fresh.firstElementChild.childNodes);
  return kept;
}

function renderQueue() {
  const list = $("queue-list");
  const cards = [...state.cards.values()];
  const old = new Map([...list.children].map((node) => [node.dataset.escalationId, node]));
  const nodes = cards.map((card) => {
    const fresh = cardView(card);
    const kept = old.get(String(card.id));
    if (!kept) return fresh;
    return kept.isEqualNode(fresh) ? kept : adopt(kept, fresh);
  });
  if (!cards.length) nodes.push(el("li", { className: "muted none", text: filtered() ? "Nothing matches" : "None" }));
  nodes.forEach((node, index) => {
    if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
  });
  while (list.children.length > nodes.length) list.lastElementChild.remove();
  $("queue-status").textContent = cards.length >= PAGE ? `Showing the first ${PAGE}; narrow with the filters` : `${cards.length} shown`;
  for (const [view, count] of Object.entries(queueView.counts)) {
    const node = document.querySelector(`[data-count="${view}"]`);
    if (node) node.textContent = count === null ? "…" : String(count);
  }
  updateTitle();
}

// The tab's title says how many need the agent: unread customer messages and new escalations
// that arrived while the tab was in the background.
const attention = { newWhileHidden: 0 };
function updateTitle() {
  const count = state.unread.size + attention.newWhileHidden;
  document.title = count ? `(${count}) Baton agent console` : "Baton agent console";
}
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) { attention.newWhileHidden = 0; updateTitle(); }
});

function setupNotifications() {
  const button = $("notify");
  button.hidden = !("Notification" in window) || Notification.permission !== "default";
  button.onclick = async () => {
    await Notification.requestPermission();
    button.hidden = Notification.permission !== "default";
  };
}

function notify(title, body) {
  if (!document.hidden) return;
  attention.newWhileHidden += 1;
  updateTitle();
  if ("Notification" in window && Notification.permission === "granted") {
    const shown = new Notification(title, { body: body.slice(0, 140), tag: "baton-console" });
    shown.onclick = () => { window.focus(); shown.close(); };
  }
}

setInterval(() => {
  for (const node of document.querySelectorAll("[data-wait]")) {
    const card = state.cards.get(Number(node.dataset.wait));
    if (card) node.textContent = ` · waiting ${duration(waiting(card))}`;
  }
}, 1000);

// ---------- one conversation ----------
function holding() {
  const d = state.detail;
  return d && d.state === "accepted" && d.agent === state.me.username;
}

async function select(id) {
  state.selected = id;
  state.pushedLines = [];
  state.unread.delete(id);
  renderQueue();
  const detail = await attempt(() => api.get(`/escalations/${id}`));
  if (!detail || state.selected !== id) return;
  state.detail = detail;
  renderDetail();
  const lines = await attempt(() => api.get(`/escalations/${id}/transcript`));
  if (lines && state.selected === id) renderTranscript(lines);
  $("chat").focus();
}

async function refreshDetail() {
  if (state.selected === null) return;
  const id = state.selected;
  const [detail, lines] = await Promise.all([
    attempt(() => api.get(`/escalations/${id}`)),
    // The bot's and the service's own lines (notices, hand-back) are not pushed: reload them.
    attempt(() => api.get(`/escalations/${id}/transcript`)),
  ]);
  if (detail && state.selected === id) {
    state.detail = detail;
    renderDetail();
  }
  if (lines && state.selected === id) renderTranscript(lines);
}

function renderDetail() {
  const d = state.detail;
  $("chat-empty").hidden = true;
  $("chat-body").hidden = false;
  $("context").hidden = false;
  const packet = d.packet || {};
  const identity = packet.identity || {};
  // Never the raw sender id: an anonymous visitor is "Visitor 4821", as on the card.
  const who = identity.name || identity.email || d.email || d.customer_label || "A customer";
  $("chat-heading").textContent = `${who} · ${humanize(d.reason || "")}`;
  renderSla(d);
  $("chat-meta").textContent = [
    d.channel_label || d.channel || "Unknown channel",
    `${humanize(d.team)} team`,
    `state ${d.state}`,
    identity.verified ? "identity verified" : "not verified",
    d.agent_name ? `with ${d.agent_name}` : null,
    d.csat ? `rated ${d.csat.rating}/5` : null,
  ].filter(Boolean).join(" · ");
  const csat = $("chat-csat");
  csat.hidden = !d.csat;
  if (d.csat) {
    clear(csat).append(el("strong", { text: `Rated ${"★".repeat(d.csat.rating)}${"☆".repeat(5 - d.csat.rating)} ${d.csat.rating}/5` }),
      d.csat.comment ? el("q", { text: d.csat.comment }) : el("span", { className: "muted", text: "no comment" }));
  }
  const claimable = d.state === "queued" || d.state === "initiated";
  $("claim").hidden = !claimable;
  const mine = holding();
  for (const id of ["reply", "send", "canned"]) $(id).disabled = !mine;
  for (const node of document.querySelectorAll(".actions button, .actions select, .actions input")) node.disabled = !mine;
  $("reply").placeholder = mine ? "Write to the customer… (Enter sends, Shift+Enter for a new line)"
    : claimable ? "Claim this conversation to write to the customer" : "This conversation is not yours to write in";
  renderSnooze(d, mine);
  renderTaskForm(d, mine);
  renderTransferPin(d, state.me.username);
  renderContext(d);
  renderCustomer(d.id); // customer.js: the customer across channels, their notes
}

// Lines come as people read them (handoff/conversations/readable.py): a button press by its
// title with `pressed`, notices (joined, left, transferred) as `system` lines.
function lineView(line) {
  const role = line.role || "bot";
  if (role === "system") {
    return el("li", { className: "line system", "data-line-id": line.id }, [
      el("p", { className: "line-text" }, [line.text || "", " ", el("time", { text: clock(line.time) })]),
    ]);
  }
  const name = role === "customer" ? "Customer" : role === "agent" ? (line.agent || "Agent") : "Bot";
  const pressed = role === "customer" && line.pressed;
  return el("li", { className: `line ${role}${pressed ? " pressed" : ""}`, "data-line-id": line.id }, [
    el("span", { className: "line-head" }, [
      el("strong", { text: name }),
      pressed ? el("span", { className: "pressed-mark", title: line.pressed, text: "pressed a button" }) : null,
      line.kind === "agent_email" ? el("span", { className: "pressed-mark", text: "sent by email" }) : null,
      el("time", { text: clock(line.time) }),
    ]),
    el("p", { className: "line-text" }, [linkified(line.text || "")]),
  ]);
}

// Each line once: a live push can carry a line the transcript just loaded already holds, and a
// load that started before a push can answer without that line: pushed lines newer than the
// newest loaded one are kept.
function newerId(a, b) {
  const [am, as] = String(a).split("-").map(Number);
  const [bm, bs] = String(b).split("-").map(Number);
  return am > bm || (am === bm && as > bs);
}

function renderTranscript(lines) {
  const loaded = new Set(lines.map((line) => line.id).filter(Boolean));
  const newest = lines.map((line) => line.id).filter(Boolean).pop();
  const pushed = (state.pushedLines || []).filter((line) => !loaded.has(line.id) && (!newest || newerId(line.id, newest)));
  const list = clear($("transcript"));
  state.shownLines = new Set();
  state.pushedLines = pushed;
  [...lines, ...pushed].forEach((line) => {
    if (line.id) state.shownLines.add(line.id);
    list.append(lineView(line));
  });
  markUnanswered(state.detail);
  list.scrollTop = list.scrollHeight;
}

function appendLine(line) {
  if (line.id && state.shownLines.has(line.id)) return;
  if (line.id) {
    state.shownLines.add(line.id);
    state.pushedLines = [...(state.pushedLines || []), line].slice(-200);
  }
  const list = $("transcript");
  list.append(lineView(line));
  list.scrollTop = list.scrollHeight;
}

// ---------- the context panel (issue 24, "reads in five seconds") ----------
// The first screen: the order card, the customer's facts as chips, what they were told and
// promised (the API's `glance`, handoff/escalations/panel.py), then notes; the rest folds.
function renderContext(d) {
  const packet = d.packet || {};
  const glance = d.glance || {};
  const summary = packet.summary || {};
  // Issue 21: the colleague's two-line note first (textContent only: it quotes the customer).
  clear($("ctx-note")).append(...(glance.note || []).map((line) => el("p", { text: line })));
  clear($("ctx-order")).append(orderCardView(glance.order, glance.order_error));
  const chips = clear($("ctx-facts"));
  (glance.facts || []).forEach((fact) => chips.append(el("li", { className: `chip${fact.label === "Identity" ? ` identity ${fact.value.replace(/\s/g, "-")}` : ""}` }, [
    el("span", { className: "chip-label", text: fact.label }), " ", el("span", { text: fact.value }),
  ])));
  const told = clear($("ctx-told"));
  (glance.told || []).forEach((line) => told.append(el("li", { text: line })));
  if (!told.childElementCount) told.append(el("li", { className: "muted", text: "Nothing promised yet" }));
  clear($("ctx-summary")).append(
    el("p", { className: "summary-text", text: summary.text || packet.summary_line || d.summary_line || "No summary" }),
    valueView({ goal: summary.goal, tried: summary.tried, failed: summary.failed, why: summary.why }),
  );
  const earlier = clear($("ctx-earlier"));
  (glance.earlier || []).forEach((item) => earlier.append(el("li", { className: "earlier" }, [
    el("a", { href: `#escalation-${item.id}`, onclick: (event) => { event.preventDefault(); select(item.id); },
      text: `${item.date ? dayOnly(item.date) : "Earlier"}: ${item.summary_line || humanize(item.team || "")}` }),
    el("span", { className: "muted", text: ` · ${item.outcome ? outcomeLabel(item.outcome) : ""}${item.csat_rating ? ` · ${"★".repeat(item.csat_rating)}` : ""}` }),
  ])));
  if (!earlier.childElementCount) earlier.append(el("li", { className: "muted", text: packet.earlier_escalations_error || "None" }));
  const articles = clear($("ctx-articles"));
  (packet.suggested_articles || []).forEach((article) => articles.append(articleView(article)));
  if (!articles.childElementCount) articles.append(el("li", { className: "muted", text: packet.suggested_articles_error || "None" }));
  const notes = clear($("notes"));
  (d.notes || []).forEach((note) => notes.append(noteView(note)));
  if (!notes.childElementCount) notes.append(el("li", { className: "muted", text: "No notes yet" }));
  // Under "details": what only a curious agent needs.
  const detection = packet.detection || {};
  clear($("ctx-signals")).append(
    el("p", {}, [el("strong", { text: "Frustration " }), `${Number(detection.score ?? d.frustration ?? 0).toFixed(2)}`]),
    valueView(detection.signals || {}),
  );
  clear($("ctx-internal")).append(valueView({ ...(packet.identity || {}), ...((packet.facts || {}).slots || {}) }));
  clear($("ctx-order-full")).append(packet.order ? valueView(packet.order) : el("p", { className: "muted", text: "No order" }));
  const bot = clear($("ctx-transcript"));
  (packet.transcript || []).forEach((line) => bot.append(lineView(line)));
  clear($("ctx-states")).append(
    el("h3", { text: "History" }),
    el("ol", { className: "plain small" }, (d.states || []).map((s) =>
      el("li", { text: `${dayAndTime(s.at)} ${s.state}${s.by ? ` by ${s.by}` : ""}${s.detail ? `: ${s.detail}` : ""}` }))),
  );
}

function dayOnly(iso) {
  // A bare date is a calendar day, not midnight UTC: noon keeps it the same day everywhere.
  return new Date(iso.length === 10 ? `${iso}T12:00:00` : iso).toLocaleDateString([], { year: "numeric", month: "short", day: "numeric" });
}

function orderCardView(order, error) {
  if (!order) return el("p", { className: "muted order-none", text: error || "No order in this conversation" });
  const href = safeHref(order.tracking_url);
  const state = order.state || order.status || "unknown";
  return el("div", { className: `order-card order-${String(state).replace(/\s/g, "-")}` }, [
    el("p", { className: "order-top" }, [
      el("strong", { text: order.number || "Order" }),
      el("span", { className: "order-state", text: order.late_by_days ? `late by ${order.late_by_days} day${order.late_by_days === 1 ? "" : "s"}` : humanize(state) }),
    ]),
    order.verified === false ? el("p", { className: "small warn-text", text: "Not verified: only its state is shown" }) : null,
    order.carrier ? el("p", { className: "small" }, [
      el("span", { text: order.carrier }),
      order.promised_date ? el("span", { text: ` · promised ${dayOnly(order.promised_date)}` }) : null,
      order.delivered_date ? el("span", { text: ` · delivered ${dayOnly(order.delivered_date)}` }) : null,
    ]) : null,
    order.last_scan ? el("p", { className: "small muted", text: `Last scan${order.last_scan_date ? ` ${dayOnly(order.last_scan_date)}` : ""}: ${order.last_scan}` }) : null,
    href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", className: "small", text: "Track the parcel" }) : null,
  ]);
}

function noteView(note) {
  return el("li", { className: "note" }, [
    el("span", { className: "line-head" }, [el("strong", { text: note.author_name || note.author || "Agent" }), el("time", { text: clock(note.at || note.created_at) })]),
    el("p", { className: "line-text", text: note.text }),
  ]);
}

function articleView(article) {
  const href = safeHref(article.url);
  return el("li", { className: "article" }, [
    href ? el("a", { href, target: "_blank", rel: "noopener noreferrer", text: article.title }) : el("span", { text: article.title }),
    article.heading ? el("span", { className: "muted", text: ` · ${article.heading}` }) : null,
    el("button", {
      type: "button", className: "small-button", "aria-label": `Insert a link to ${article.title}`,
      disabled: !holding() || !href, onclick: () => insertText(`${article.title}: ${href}`),
    }, ["Insert link"]),
  ]);
}

function insertText(text) {
  const box = $("reply");
  box.value = box.value ? `${box.value.trimEnd()}\n${text}` : text;
  box.focus();
}

// ---------- the agent's actions ----------
$("claim").addEventListener("click", async () => {
  const detail = await attempt(() => api.post(`/escalations/${state.selected}/claim`), "Claimed: the customer has been told you joined.");
  if (detail) {
    state.detail = detail;
    upsertCard(detail);
    renderDetail();
    $("reply").focus();
  }
});

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const box = $("reply");
  const text = box.value.trim();
  if (!text || !holding()) return;
  state.typedAt = 0; // sending ends the typing notices
  const sent = await attempt(() => api.post(`/escalations/${state.selected}/messages`, { text }));
  if (sent) {
    box.value = "";
    appendLine({ role: "agent", agent: state.me.display_name, text: sent.text, time: sent.at });
  }
});

$("reply").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

// The customer (and other consoles) see "typing" while the agent composes: from each keystroke
// until 6 s after the last one while the draft is not empty, renewed every 3 s. A single notice
// would be the only sign of a short edit or a paste, and one lost on the way (a widget still
// connecting) would hide it; the renewal gives it a second chance.
const TYPING_NOTICE_MS = 3000;
const TYPING_LINGERS_MS = 6000;
function typingNotice() {
  if (!holding() || !$("reply").value.trim()) return;
  if (Date.now() - state.typedAt >= TYPING_LINGERS_MS || Date.now() - state.typingSentAt < TYPING_NOTICE_MS) return;
  state.typingSentAt = Date.now();
  state.live.send({ type: "typing", escalation_id: state.selected });
}
$("reply").addEventListener("input", () => {
  state.typedAt = Date.now();
  typingNotice();
});
setInterval(typingNotice, 1000);

async function loadCanned() {
  const canned = await attempt(() => api.get("/canned-responses"));
  const select = $("canned");
  (canned || []).forEach((item, index) => select.append(el("option", { value: String(index), text: `${item.title} (${item.team})` })));
  select.onchange = () => {
    const item = canned && canned[Number(select.value)];
    if (item) insertText(item.text);
    select.value = "";
  };
}

$("note-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = $("note-text").value.trim();
  if (!text) return;
  const note = await attempt(() => api.post(`/escalations/${state.selected}/notes`, { text }), "Note added.");
  if (note) { $("note-text").value = ""; refreshDetail(); }
});

$("kb-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("kb-query").value.trim();
  if (!q) return;
  const found = await attempt(() => api.get(`/knowledge/search?q=${encodeURIComponent(q)}&k=5`));
  const list = clear($("kb-results"));
  const results = (found && found.results) || [];
  results.forEach((article) => list.append(articleView(article)));
  if (!results.length) list.append(el("li", { className: "muted", text: "Nothing found" }));
});

installSnooze(api, attempt, () => state.selected, (detail) => { state.detail = detail; upsertCard(detail); renderDetail(); });
const showAnswer = (detail) => { state.detail = detail; upsertCard(detail); renderDetail(); };
installTransfer({ api, attempt, flash, selected: () => state.selected, done: showAnswer });
installClose({ api, attempt, flash, selected: () => state.selected, done: showAnswer });
installTasks({ api, attempt, flash, announce, select, selected: () => state.selected });
installSla({ flash, announce, upsert: (card) => { upsertCard(card); if (card.id === state.selected) refreshDetail(); },
  cardOf: (id) => state.cards.get(id), selected: () => state.selected });
installCustomer({ api, attempt, flash, select, selected: () => state.selected, me: () => state.me });

// ---------- live pushes ----------
function onLive(message) {
  const { type, data } = message || {};
  if (!data) return;
  const id = data.escalation_id ?? data.id;
  if (type === "escalation.new") {
    upsertCard(data);
    announce(`New escalation: ${humanize(data.reason || "")}. ${data.summary_line || ""}`);
    notify(`New: ${data.customer_label || "a customer"} (${humanize(data.team || "")})`, data.summary_line || "");
  } else if (type === "escalation.transferred") {
    upsertCard(data);
    if (id === state.selected) refreshDetail();
    if (data.agent !== state.me.username) return;  // an admin's console sees every push
    const from = (data.transfer && data.transfer.by_name) || "Someone";
    announce(`${from} passed you a conversation: ${(data.transfer && data.transfer.note) || ""}`);
    flash(`${from} passed you a conversation (${data.customer_label || "a customer"}). Their note is pinned at the top.`);
    notify(`${from} passed you a conversation`, (data.transfer && data.transfer.note) || "");
  } else if (type === "escalation.updated") {
    upsertCard(data);
    if (id === state.selected) refreshDetail();
  } else if ((type || "").startsWith("task.")) {
    onTaskLive(type, data);
  } else if ((type || "").startsWith("sla.")) {
    onSlaLive(type, data);
  } else if (type === "escalation.reopened") {
    upsertCard(data);
    if (id === state.selected) refreshDetail();
    announce(`A snoozed conversation woke up: ${data.summary_line || ""}`);
    flash(`Snoozed conversation ${id} needs you again (${data.woken_by === "time" ? "its time came" : "the customer wrote"}).`);
  } else if (type === "customer.message") {
    if (id === state.selected) {
      appendLine({ role: "customer", text: data.text, time: data.at, id: data.id, pressed: data.pressed });
      $("customer-typing").hidden = true;
    } else {
      state.unread.add(id);
      renderQueue();
    }
    notify("The customer wrote", data.text || "");
    announce(`Customer wrote: ${data.text}`);
  } else if (type === "conversation.line" && id === state.selected) {
    appendLine(data);
  } else if (type === "customer.typing" && id === state.selected) {
    $("customer-typing").hidden = false;
    clearTimeout(state.customerTypingTimer);
    state.customerTypingTimer = setTimeout(() => { $("customer-typing").hidden = true; }, 6000);
  } else if (type === "agent.message" && id === state.selected && data.agent !== state.me.username) {
    appendLine({ role: "agent", agent: data.agent_name || data.agent, text: data.text, time: data.at });
  }
}

// ---------- start ----------
if (api.token) {
  showApp().catch(() => showLogin());
} else {
  showLogin();
}
