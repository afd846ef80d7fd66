// The agent console: sign in, the live queue, one conversation with its context, and the
// agent's actions. State comes from the REST API; the WebSocket says when something changed.

import { Api, ApiError, LiveSocket } from "./api.js";
import { el, clear, clock, duration, humanize, linkified, safeHref, valueView } from "./dom.js";

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
  await Promise.all([loadQueue(), loadCanned()]);
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

// ---------- the queue ----------
async function loadQueue() {
  const cards = await attempt(() => api.get("/escalations"));
  if (!cards) return;
  state.cards.clear();
  const now = Date.now();
  for (const card of cards) state.cards.set(card.id, { ...card, fetchedAt: now });
  renderQueue();
}

function upsertCard(card) {
  if (!card || card.id === undefined) return;
  const known = state.cards.get(card.id) || {};
  state.cards.set(card.id, { ...known, ...card, fetchedAt: Date.now() });
  renderQueue();
}

function waiting(card) {
  return (card.waiting_seconds || 0) + (card.state === "queued" ? (Date.now() - card.fetchedAt) / 1000 : 0);
}

function cardView(card) {
  const selected = card.id === state.selected;
  const unread = state.unread.has(card.id);
  const button = el("button", {
    type: "button", className: `card-button${selected ? " selected" : ""}`, "aria-current": selected ? "true" : null,
    onclick: () => select(card.id),
  }, [
    el("span", { className: "card-top" }, [
      el("strong", { text: humanize(card.reason || "escalation") }),
      card.priority !== null && card.priority !== undefined
        ? el("span", { className: "priority", title: "priority", text: `P ${Number(card.priority).toFixed(2)}` }) : null,
    ]),
    el("span", { className: "summary", text: card.summary_line || "No summary yet" }),
    el("span", { className: "card-meta" }, [
      el("span", { className: "channel", text: card.channel || "unknown channel" }),
      el("span", { text: ` · ${card.team} team` }),
      card.state === "queued" ? el("span", { className: "wait", "data-wait": card.id, text: ` · waiting ${duration(waiting(card))}` }) : null,
      card.agent_name && card.state !== "queued" ? el("span", { text: ` · ${card.agent_name}` }) : null,
      unread ? el("span", { className: "unread", text: " · new message" }) : null,
    ]),
  ]);
  return el("li", { className: `queue-card state-${card.state}`, "data-escalation-id": card.id, "data-sender-id": card.sender_id }, [button]);
}

function renderQueue() {
  const all = [...state.cards.values()];
  const queued = all.filter((c) => c.state === "queued" || c.state === "initiated")
    .sort((a, b) => (b.priority || 0) - (a.priority || 0) || waiting(b) - waiting(a));
  const mine = all.filter((c) => c.state === "accepted" && c.agent === state.me.username);
  const others = all.filter((c) => c.state === "accepted" && c.agent !== state.me.username);
  for (const [id, list] of [["queue-list", queued], ["mine-list", mine], ["others-list", others]]) {
    const node = clear($(id));
    if (!list.length) node.append(el("li", { className: "muted none", text: "None" }));
    list.forEach((card) => node.append(cardView(card)));
  }
  $("queue-count").textContent = String(queued.length);
  $("mine-count").textContent = String(mine.length);
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
  const who = identity.name || identity.email || d.email || d.sender_id;
  $("chat-heading").textContent = `${who} · ${humanize(d.reason || "")}`;
  $("chat-meta").textContent = [
    `channel ${d.channel || "unknown"}`,
    `${d.team} team`,
    `state ${d.state}`,
    identity.verified ? "identity verified" : "not verified",
    d.agent_name ? `with ${d.agent_name}` : null,
    d.csat ? `rated ${d.csat.rating}/5` : null,
  ].filter(Boolean).join(" · ");
  const claimable = d.state === "queued" || d.state === "initiated";
  $("claim").hidden = !claimable;
  const mine = holding();
  for (const id of ["reply", "send", "canned"]) $(id).disabled = !mine;
  for (const node of document.querySelectorAll(".actions button, .actions select, .actions input")) node.disabled = !mine;
  $("reply").placeholder = mine ? "Write to the customer… (Enter sends, Shift+Enter for a new line)"
    : claimable ? "Claim this conversation to write to the customer" : "This conversation is not yours to write in";
  renderContext(d);
}

function lineView(line) {
  const role = line.role || "bot";
  const name = role === "customer" ? "Customer" : role === "agent" ? (line.agent || "Agent") : "Bot";
  return el("li", { className: `line ${role}` }, [
    el("span", { className: "line-head" }, [el("strong", { text: name }), el("time", { text: clock(line.time) })]),
    el("p", { className: "line-text" }, [linkified(line.text || "")]),
  ]);
}

function renderTranscript(lines) {
  const list = clear($("transcript"));
  lines.forEach((line) => list.append(lineView(line)));
  list.scrollTop = list.scrollHeight;
}

function appendLine(line) {
  const list = $("transcript");
  list.append(lineView(line));
  list.scrollTop = list.scrollHeight;
}

function renderContext(d) {
  const packet = d.packet || {};
  const summary = packet.summary || {};
  clear($("ctx-summary")).append(
    el("p", { className: "summary-text", text: summary.text || packet.summary_line || d.summary_line || "No summary" }),
    valueView({ goal: summary.goal, tried: summary.tried, failed: summary.failed, why: summary.why }),
  );
  clear($("ctx-facts")).append(valueView({ ...(packet.identity || {}), ...((packet.facts || {}).slots || {}) }));
  clear($("ctx-order")).append(packet.order ? valueView(packet.order)
    : el("p", { className: "muted", text: packet.order_error || "No order in this conversation" }));
  const detection = packet.detection || {};
  clear($("ctx-signals")).append(
    el("p", {}, [el("strong", { text: "Frustration " }), `${Number(detection.score ?? d.frustration ?? 0).toFixed(2)}`]),
    valueView(detection.signals || {}),
  );
  const articles = clear($("ctx-articles"));
  (packet.suggested_articles || []).forEach((article) => articles.append(articleView(article)));
  if (!articles.childElementCount) articles.append(el("li", { className: "muted", text: packet.suggested_articles_error || "None" }));
  clear($("ctx-earlier")).append(valueView(packet.earlier_escalations || []));
  const bot = clear($("ctx-transcript"));
  (packet.transcript || []).forEach((line) => bot.append(lineView(line)));
  const notes = clear($("notes"));
  (d.notes || []).forEach((note) => notes.append(noteView(note)));
  if (!notes.childElementCount) notes.append(el("li", { className: "muted", text: "No notes yet" }));
  clear($("ctx-states")).append(
    el("h3", { text: "History" }),
    el("ol", { className: "plain small" }, (d.states || []).map((s) =>
      el("li", { text: `${clock(s.at)} ${s.state}${s.by ? ` by ${s.by}` : ""}${s.detail ? `: ${s.detail}` : ""}` }))),
  );
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

$("resolve-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const body = { outcome: $("outcome").value, handback: $("resolve-handback").checked };
  const detail = await attempt(() => api.post(`/escalations/${state.selected}/resolve`, body), "Resolved.");
  if (detail) { state.detail = detail; upsertCard(detail); renderDetail(); }
});

$("handback").addEventListener("click", async () => {
  const detail = await attempt(() => api.post(`/escalations/${state.selected}/handback`, { outcome: $("outcome").value }),
    "Handed back: the bot is answering again and will ask for a rating.");
  if (detail) { state.detail = detail; upsertCard(detail); renderDetail(); }
});

$("transfer-target").addEventListener("change", () => {
  $("transfer-agent").hidden = $("transfer-target").value !== "agent";
});
$("transfer-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const target = $("transfer-target").value;
  const body = target === "agent" ? { agent: $("transfer-agent").value.trim() } : { team: target.slice(5) };
  if (target === "agent" && !body.agent) return flash("Type the username of the agent to transfer to.", "error");
  const detail = await attempt(() => api.post(`/escalations/${state.selected}/transfer`, body), "Transferred.");
  if (detail) { state.detail = detail; upsertCard(detail); renderDetail(); }
});

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

// ---------- live pushes ----------
function onLive(message) {
  const { type, data } = message || {};
  if (!data) return;
  const id = data.escalation_id ?? data.id;
  if (type === "escalation.new") {
    upsertCard(data);
    announce(`New escalation: ${humanize(data.reason || "")}. ${data.summary_line || ""}`);
  } else if (type === "escalation.updated") {
    upsertCard(data);
    if (id === state.selected) refreshDetail();
  } else if (type === "customer.message") {
    if (id === state.selected) {
      appendLine({ role: "customer", text: data.text, time: data.at });
      $("customer-typing").hidden = true;
    } else {
      state.unread.add(id);
      renderQueue();
    }
    announce(`Customer wrote: ${data.text}`);
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
