/*
 * Baton chat widget. Embed with one tag, no framework needed on the page:
 *
 *   <script src="https://support.example.com/web/widget/baton-widget.js"
 *           data-title="Larkspur & Co." data-color="#2f5d50" data-text-color="#ffffff" defer></script>
 *
 * Attributes (all optional): data-server (the handoff service; default: where this file came
 * from), data-socket-url (Rasa's socket.io; default: what the handoff service says),
 * data-title, data-subtitle, data-brand (used in "Maya from <brand> joined"), data-color,
 * data-text-color, data-open="true" (start opened). The header's second line is the handoff
 * service's word on whether a person can join now (GET /widget/availability); data-subtitle is
 * shown until it answers, or when it cannot.
 *
 * Every message is put on the page as text nodes; links become <a> only for http(s) URLs, so
 * nothing a message contains can run as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || window.__batonWidget) return;
  window.__batonWidget = true;

  var scriptUrl = new URL(script.src, location.href);
  var data = script.dataset;
  var config = {
    server: (data.server || scriptUrl.origin).replace(/\/+$/, ""),
    socketUrl: data.socketUrl || "",
    title: data.title || "Chat with us",
    subtitle: data.subtitle || "We usually answer straight away",
    brand: data.brand || data.title || "our team",
    color: data.color || "#2f5d50",
    textColor: data.textColor || "#ffffff",
    open: data.open === "true",
  };
  var assetBase = new URL(".", scriptUrl).href; // .../web/widget/
  var STORE = "baton-widget:v1:" + config.server;
  var SESSION_MAX_AGE_MS = 30 * 24 * 3600 * 1000; // Rasa keeps the tracker 30 days
  // Rasa fills a response's `{{`/`}}` as single braces; accept either, in case a channel skips that.
  var CSAT = /^\/rate_service\{\{?"csat_rating":\s*"?([1-5])"?\}\}?$/;

  // ---------- storage (localStorage, shared by every tab of the shop) ----------
  function load(name, fallback) {
    try {
      var raw = localStorage.getItem(STORE + ":" + name);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) {
      return fallback;
    }
  }
  function save(name, value) {
    try {
      localStorage.setItem(STORE + ":" + name, JSON.stringify(value));
    } catch (e) {
      /* private mode or full: the widget still works for this page view */
    }
  }

  // ---------- DOM helpers (text only) ----------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        if (key === "text") node.textContent = attrs[key];
        else if (key === "className") node.className = attrs[key];
        else node.setAttribute(key, attrs[key]);
      });
    }
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  var URL_RE = /https?:\/\/[^\s<>"'`]+/g;
  function safeHref(candidate) {
    try {
      var url = new URL(candidate);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }
  /* Text with its http(s) URLs made into links; everything else stays a text node. */
  function linkified(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    text.replace(URL_RE, function (match, offset) {
      var url = match.replace(/[.,;:!?)\]]+$/, "");
      var href = safeHref(url);
      if (!href) return match;
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(
        el("a", { href: href, target: "_blank", rel: "noopener noreferrer nofollow", text: url })
      );
      last = offset + url.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  // ---------- the widget's DOM, in a shadow root so the shop's CSS and ours never mix ----------
  var host = el("div", { id: "baton-chat-widget" });
  host.style.setProperty("--baton-color", config.color);
  host.style.setProperty("--baton-text-color", config.textColor);
  var root = host.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: assetBase + "baton-widget.css" }));

  var launcher = el("button", {
    className: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "baton-panel",
    "aria-label": "Open chat: " + config.title,
  }, [el("span", { className: "launcher-icon", "aria-hidden": "true", text: "💬" }), el("span", { text: "Chat" })]);
  var unreadBadge = el("span", { className: "badge", hidden: "", "aria-hidden": "true" });
  launcher.appendChild(unreadBadge);

  var closeButton = el("button", { className: "close", type: "button", "aria-label": "Close chat", text: "×" });
  var statusLine = el("p", { className: "subtitle", id: "baton-status", text: config.subtitle });
  var header = el("header", {}, [
    el("div", {}, [el("h2", { id: "baton-title", text: config.title }), statusLine]),
    closeButton,
  ]);
  var banner = el("div", { className: "banner", role: "status", hidden: "" });
  var log = el("div", {
    className: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
    "aria-label": "Conversation", tabindex: "0",
  });
  var typing = el("div", { className: "typing", hidden: "", role: "status" }, [
    el("span", { className: "dots", "aria-hidden": "true" }, [el("i"), el("i"), el("i")]),
    el("span", { className: "typing-text" }),
  ]);
  var input = el("textarea", {
    rows: "1", placeholder: "Type your message…", "aria-label": "Your message", maxlength: "2000",
    enterkeyhint: "send",
  });
  var sendButton = el("button", { type: "submit", className: "send", text: "Send" });
  var form = el("form", { className: "composer" }, [input, sendButton]);
  var panel = el("section", {
    className: "panel", id: "baton-panel", role: "dialog", "aria-labelledby": "baton-title", hidden: "",
  }, [header, banner, log, typing, form]);
  root.appendChild(panel);
  root.appendChild(launcher);

  function mount() {
    document.body.appendChild(host);
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  // ---------- conversation state ----------
  var session = load("session", null);
  var outbox = load("outbox", []); // messages not yet acknowledged by Rasa
  var socket = null;
  var confirmed = false;
  var agentName = null;
  var unread = 0;
  var recentBot = []; // plain bot bubbles just shown, which a custom agent payload may claim
  var typingTimer = null;

  function isOpen() {
    return !panel.hidden;
  }
  /* restoring: reopened by a page load, so it must not steal the page's focus. */
  function setOpen(open, restoring) {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    host.classList.toggle("open", open);
    if (!restoring) save("opened", open);
    if (open) {
      unread = 0;
      unreadBadge.hidden = true;
      start();
      if (!restoring) input.focus();
      scrollDown();
    } else {
      launcher.focus();
    }
  }
  launcher.addEventListener("click", function () { setOpen(!isOpen()); });
  closeButton.addEventListener("click", function () { setOpen(false); });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") setOpen(false);
  });

  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }
  function noteUnread() {
    if (isOpen()) return;
    unread += 1;
    unreadBadge.textContent = String(unread);
    unreadBadge.hidden = false;
    launcher.setAttribute("aria-label", "Open chat: " + config.title + " (" + unread + " new)");
  }

  function speakerLabel(role, agent) {
    if (role === "customer") return "You";
    if (role === "agent") return agent ? agent + " · " + config.brand : config.brand;
    return config.brand + " assistant";
  }

  /* One message bubble. role: customer | bot | agent. */
  function addMessage(role, text, options) {
    options = options || {};
    var bubble = el("div", { className: "msg " + role + (options.pending ? " pending" : "") });
    var who = el("span", { className: "who", text: speakerLabel(role, options.agent) });
    if (role === "customer") who.className += " sr-only";
    if (options.email) who.textContent += " · sent by email";
    bubble.appendChild(who);
    var body = el("p", { className: "text" });
    body.appendChild(linkified(text));
    bubble.appendChild(body);
    if (options.pressed) {
      // A button press, not typed words: said so to screen readers and shown by its title.
      bubble.className += " pressed";
      who.textContent = "You pressed";
      bubble.appendChild(el("span", { className: "state", text: "button" }));
    }
    if (options.pending) bubble.appendChild(el("span", { className: "state", text: "sending…" }));
    log.appendChild(bubble);
    if (role !== "customer" && !options.history) noteUnread();
    scrollDown();
    return bubble;
  }

  function addNotice(text) {
    var notice = el("p", { className: "notice", text: text });
    log.appendChild(notice);
    scrollDown();
    return notice;
  }

  function clearQuickReplies() {
    Array.prototype.forEach.call(log.querySelectorAll(".replies"), function (group) {
      group.remove();
    });
  }

  function csatRating(payload) {
    var match = CSAT.exec(payload || "");
    return match ? Number(match[1]) : null;
  }

  function displayFor(payload) {
    var rating = csatRating(payload);
    if (rating) return "★".repeat(rating) + "☆".repeat(5 - rating) + " (" + rating + " of 5)";
    return null;
  }

  function renderQuickReplies(buttons) {
    clearQuickReplies();
    var ratings = buttons.map(function (b) { return csatRating(b.payload); });
    var isCsat = ratings.length >= 2 && ratings.every(Boolean);
    var group;
    if (isCsat) {
      group = el("div", { className: "replies stars", role: "group", "aria-label": "Rate this conversation from 1 to 5 stars" });
      buttons.forEach(function (button, index) {
        var value = ratings[index];
        var star = el("button", {
          type: "button", className: "star", "aria-label": value + (value === 1 ? " star" : " stars"),
          "data-value": String(value), text: "★",
        });
        star.addEventListener("mouseenter", function () { highlight(group, value); });
        star.addEventListener("focus", function () { highlight(group, value); });
        star.addEventListener("click", function () {
          send(button.payload, displayFor(button.payload), true);
        });
        group.appendChild(star);
      });
      group.addEventListener("mouseleave", function () { highlight(group, 0); });
    } else {
      group = el("div", { className: "replies", role: "group", "aria-label": "Suggested replies" });
      buttons.forEach(function (button) {
        var title = String(button.title || button.payload || "");
        var choice = el("button", { type: "button", className: "reply", text: title });
        choice.addEventListener("click", function () {
          send(String(button.payload || title), title, Boolean(button.payload));
        });
        group.appendChild(choice);
      });
    }
    log.appendChild(group);
    scrollDown();
  }

  function highlight(group, value) {
    Array.prototype.forEach.call(group.querySelectorAll(".star"), function (star) {
      star.classList.toggle("lit", Number(star.getAttribute("data-value")) <= value);
    });
  }

  function showTyping(who, forMs) {
    typing.querySelector(".typing-text").textContent = who + " is typing…";
    typing.hidden = false;
    clearTimeout(typingTimer);
    // Never spin forever: a lost reply or a silent agent should not look like activity.
    typingTimer = setTimeout(hideTyping, forMs || 20000);
  }
  function hideTyping() {
    typing.hidden = true;
    clearTimeout(typingTimer);
  }

  // The header says whether a person can join now, as the handoff service knows it (hours and
  // who is online); the page's data-subtitle until it answers, or if it cannot.
  var availability = null;
  function setAgent(name) {
    agentName = name;
    showStatus();
    listenForAgent(Boolean(name));
  }
  function showStatus() {
    statusLine.textContent = agentName ? "You are chatting with " + agentName + " from " + config.brand
      : availability || config.subtitle;
  }
  var availabilityTimer = null;
  function checkAvailability() {
    if (typeof fetch !== "function") return;
    request("GET", "/widget/availability").then(function (body) {
      if (body && typeof body.status === "string") availability = body.status;
      showStatus();
    }, function () { /* the page's subtitle stays */ });
    clearTimeout(availabilityTimer);
    availabilityTimer = setTimeout(checkAvailability, 5 * 60 * 1000);
  }

  // While a person is in the chat: their typing comes from the handoff service (server-sent
  // events, read with fetch so the session's secret goes in a header, never in a URL), and the
  // visitor's typing goes to their console, at most every 3 seconds.
  var agentEvents = null;  // the AbortController of the open stream
  var eventRetries = 0;
  function listenForAgent(on) {
    if (!on || !session || typeof fetch !== "function" || typeof AbortController !== "function") {
      if (agentEvents) agentEvents.abort();
      agentEvents = null;
      return;
    }
    if (agentEvents) return;
    var controller = new AbortController();
    agentEvents = controller;
    function retry() {
      // A service restarting answers 502/503 or drops the stream: try again while the person
      // is still here, a few times, each time waiting longer.
      if (agentEvents !== controller || eventRetries >= 5) return;
      eventRetries += 1;
      agentEvents = null;
      setTimeout(function () { if (agentName && !agentEvents) listenForAgent(true); }, 2000 * eventRetries);
    }
    fetch(config.server + "/widget/events/" + encodeURIComponent(session.session_id), {
      headers: { "X-Widget-Secret": session.secret, "Accept": "text/event-stream" },
      signal: controller.signal,
    }).then(function (response) {
      if (!response.ok || !response.body) return retry();
      eventRetries = 0;
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffered = "";
      function pump() {
        return reader.read().then(function (chunk) {
          if (chunk.done) return retry();
          buffered += decoder.decode(chunk.value, { stream: true });
          var events = buffered.split("\n\n");
          buffered = events.pop();
          events.forEach(function (block) {
            if (/^event: typing$/m.test(block) && agentName) showTyping(agentName, 5000);
          });
          if (buffered.length > 65536) buffered = "";  // never grow without end
          return pump();
        });
      }
      return pump();
    }).catch(function () { if (!controller.signal.aborted) retry(); });
  }
  var typingSentAt = 0;
  function visitorTyping() {
    if (!agentName || !session || Date.now() - typingSentAt < 3000) return;
    typingSentAt = Date.now();
    fetch(config.server + "/widget/typing/" + encodeURIComponent(session.session_id), {
      method: "POST", headers: { "X-Widget-Secret": session.secret },
    }).catch(function () { /* only a courtesy */ });
  }

  // ---------- messages from Rasa ----------
  function onBotMessage(message) {
    if (!message || typeof message !== "object") return;
    // A bot event's custom payload arrives as its own message right after its text.
    if (typeof message.kind === "string") return onCustom(message);
    hideTyping();
    if (typeof message.text === "string" && message.text) {
      var bubble = addMessage("bot", message.text);
      recentBot.push({ bubble: bubble, text: message.text, at: Date.now() });
      recentBot = recentBot.slice(-6);
    }
    var buttons = message.quick_replies || message.buttons;
    if (Array.isArray(buttons) && buttons.length) {
      renderQuickReplies(buttons);
      save("lastReplies", { text: message.text || "", buttons: buttons });
    }
    if (message.attachment && message.attachment.type === "image" && message.attachment.payload) {
      var src = safeHref(message.attachment.payload.src);
      if (src) log.appendChild(el("img", { className: "image", src: src, alt: "Image from " + config.brand }));
    }
  }

  /* The plain bubbles Rasa just sent for this same text (it splits text on blank lines). */
  function claimRecent(text) {
    var parts = String(text || "").trim().split("\n\n");
    var tail = recentBot.slice(-parts.length);
    var fresh = tail.length === parts.length && tail.every(function (item, i) {
      return item.text === parts[i] && Date.now() - item.at < 5000;
    });
    if (!fresh) return false;
    tail.forEach(function (item) { item.bubble.remove(); });
    recentBot = recentBot.slice(0, recentBot.length - parts.length);
    return true;
  }

  function onCustom(custom) {
    var kind = custom.kind;
    var agent = typeof custom.agent === "string" ? custom.agent : null;
    var text = typeof custom.text === "string" ? custom.text : "";
    if (kind === "agent_message") {
      hideTyping();
      claimRecent(text);
      if (agent && agent !== agentName) setAgent(agent);
      addMessage("agent", text, { agent: agent });
    } else if (kind === "agent_joined") {
      claimRecent(text);
      setAgent(agent);
      addNotice(text || (agent ? agent + " from " + config.brand + " joined the chat" : "A person joined the chat"));
    } else if (kind === "agent_left") {
      claimRecent(text);
      addNotice(text || (agent ? agent + " left the chat" : "The person left the chat"));
      setAgent(null);
    } else if (kind === "agent_typing") {
      if (agent) showTyping(agent);
    }
  }

  // ---------- sending, with an outbox that survives disconnects and reloads ----------
  /* A message's own id: Rasa handles a message resent under it once (bot/message_ids.py). */
  function messageId() {
    var bytes = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Date.now().toString(36) + "-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }
  function send(text, display, pressed) {
    text = String(text || "").trim();
    if (!text) return;
    clearQuickReplies();
    save("lastReplies", null);
    var item = { id: messageId(), text: text, display: display || text, pressed: Boolean(pressed) };
    showQueued(item);
    outbox.push(item);
    save("outbox", outbox);
    shareWithOtherTabs(item.display);
    flush();
  }

  // A queued message's bubble, found by comparing ids (an id stored in the browser is not trusted
  // to build a selector from).
  function outboxBubble(id) {
    var bubbles = log.querySelectorAll("[data-outbox]");
    for (var i = 0; i < bubbles.length; i++) {
      if (bubbles[i].getAttribute("data-outbox") === id) return bubbles[i];
    }
    return null;
  }

  function showQueued(item) {
    var bubble = addMessage("customer", item.display, { pending: true, pressed: item.pressed });
    bubble.setAttribute("data-outbox", item.id);
  }

  function markSent(id) {
    outbox = outbox.filter(function (item) { return item.id !== id; });
    save("outbox", outbox);
    var bubble = outboxBubble(id);
    if (bubble) {
      bubble.classList.remove("pending");
      var state = bubble.querySelector(".state");
      if (state) state.remove();
    }
  }

  // A turn takes seconds. An acknowledgement missing after ACK_TIMEOUT_MS (lost with a connection
  // that dropped and came back, or a slow first turn after Rasa restarted) sends the message again
  // under its id, which Rasa handles once (bot/message_ids.py): a copy that arrives while the first
  // is handled is acknowledged when the first is done. At most MAX_SENDS per connection; after
  // that it waits for the next one.
  var ACK_TIMEOUT_MS = 20000;
  var MAX_SENDS = 5;
  var inFlight = {};
  var sends = {};
  var emits = 0; // each emit's own token: an answer is matched to its attempt
  function flush() {
    if (!socket || !socket.connected || !confirmed) return;
    outbox.forEach(function (item) {
      if (inFlight[item.id] || (sends[item.id] || 0) >= MAX_SENDS) return;
      sends[item.id] = (sends[item.id] || 0) + 1;
      var attempt = ++emits;
      inFlight[item.id] = attempt;
      if (!agentName) showTyping(config.brand + " assistant");
      // The acknowledgement comes once Rasa has handled the message; until then it stays queued
      // and is sent again after a reconnect.
      var payload = { message: item.text, session_id: session.session_id, message_id: item.id };
      socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", payload, function (error, reply) {
        if (inFlight[item.id] !== attempt) {
          // An earlier attempt's late answer, or one from before a reconnect: an acknowledgement
          // still means Rasa has the message.
          if (!error && !(reply && reply.ok === false)) markSent(item.id);
          return;
        }
        delete inFlight[item.id];
        if (error) return flush();
        // Refused (the session was not confirmed): it stays queued for the next confirmation.
        if (reply && reply.ok === false) return;
        markSent(item.id);
        if (!agentName) setTimeout(hideTyping, 400);
      });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    send(text);
    input.focus();
  });
  input.addEventListener("input", visitorTyping);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  // A second tab of the same shop shares the conversation: Rasa sends the bot's replies to both
  // (same socket.io room), and this tells the other tab what the visitor typed here.
  var channel = null;
  function shareWithOtherTabs(text) {
    if (channel) channel.postMessage({ type: "customer", text: text });
  }

  // ---------- connection ----------
  function setBanner(text) {
    banner.textContent = text || "";
    banner.hidden = !text;
  }

  function request(method, path, secret, body) {
    var headers = { "Content-Type": "application/json" };
    if (secret) headers["X-Widget-Secret"] = secret;
    var init = { method: method, headers: headers };
    if (body) init.body = JSON.stringify(body);
    return fetch(config.server + path, init).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) {
          var error = new Error(body && body.detail ? body.detail : "HTTP " + response.status);
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function newSession() {
    return request("POST", "/widget/sessions").then(function (body) {
      session = {
        session_id: body.session_id, secret: body.secret, socket_url: body.socket_url,
        socket_path: body.socket_path, started_at: Date.now(),
      };
      save("session", session);
      return false;
    });
  }

  // An email's reply link: the page's address ends in #baton-resume=<token> (a fragment, which the
  // browser never sends to a server). The token names one conversation; the service answers with
  // that conversation's session, and the widget opens on it with its history.
  var RESUME = /(?:^#|&)baton-resume=([A-Za-z0-9.]{1,128})(?:&|$)/;
  var resumeToken = (RESUME.exec(location.hash) || [])[1] || null;
  if (resumeToken && window.history && history.replaceState) {
    // Out of the address bar at once: a bookmark or a shared address must not carry it.
    history.replaceState(history.state, "", location.pathname + location.search);
  }

  function resumeFromLink() {
    return request("POST", "/widget/resume", null, { token: resumeToken }).then(function (body) {
      if (!session || session.session_id !== body.session_id) {
        outbox = [];
        save("outbox", outbox);
      }
      session = {
        session_id: body.session_id, secret: body.secret, socket_url: body.socket_url,
        socket_path: body.socket_path, started_at: Date.now(),
      };
      save("session", session);
      return showHistory();
    }, function (error) {
      addNotice(error.status === 403 ? error.message : "Your conversation could not be opened from the link.");
      var fresh = session && Date.now() - (session.started_at || 0) < SESSION_MAX_AGE_MS;
      return fresh ? showHistory() : newSession();
    });
  }

  function showHistory() {
    return request("GET", "/widget/history/" + encodeURIComponent(session.session_id), session.secret).then(
      function (body) {
        if (body.truncated) addNotice("Earlier messages are not shown.");
        var delivered = {};
        body.messages.forEach(function (line) {
          if (line.message_id) delivered[line.message_id] = true;
          // A press of a rating star shows as stars; any other button by its title (the server's text).
          var text = line.pressed ? displayFor(line.pressed) || line.text : line.text;
          if (!text) return;
          if (line.role === "system") addNotice(text);
          else addMessage(line.role, text, {
            agent: line.agent, history: true, pressed: Boolean(line.pressed), email: line.kind === "agent_email",
          });
        });
        // Sent just before a reload: the history shows it arrived, so it is not shown or sent again.
        outbox.filter(function (item) { return delivered[item.id]; }).forEach(function (item) { markSent(item.id); });
        if (body.owner === "agent") {
          var lastAgent = body.messages.filter(function (m) { return m.role === "agent" && m.agent; }).pop();
          setAgent(lastAgent ? lastAgent.agent : null);
        }
        // Buttons under the last bot message (e.g. the rating stars) come back after a reload.
        var last = body.messages[body.messages.length - 1];
        var replies = load("lastReplies", null);
        if (replies && last && last.role === "bot" && last.text.indexOf(replies.text) !== -1) {
          renderQuickReplies(replies.buttons);
        }
        if (body.messages.length) addNotice("Earlier in this conversation ↑");
      },
      function (error) {
        // 403: the stored secret is not ours (a different server, or a new key): start afresh.
        if (error.status === 403 || error.status === 401) {
          return newSession();
        }
        addNotice("Your earlier messages could not be loaded.");
      }
    );
  }

  function connect() {
    if (typeof io !== "function") {
      setBanner("The chat could not load. Please refresh the page.");
      return;
    }
    var url = config.socketUrl || session.socket_url;
    socket = io(url, {
      path: session.socket_path || "/socket.io",
      transports: ["websocket"],
      reconnectionDelayMax: 5000,
    });
    // Rasa joins this socket to the conversation only with the secret issued with its id.
    function requestSession() {
      socket.emit("session_request", { session_id: session.session_id, secret: session.secret });
    }
    socket.on("connect", function () {
      confirmed = false;
      requestSession();
    });
    var renewals = 0;
    socket.on("session_confirm", function () { renewals = 0; });
    socket.on("session_refused", function () {
      // The stored session is not valid here (a new key, another server): start a new one, but
      // not forever (the chat service and Rasa disagreeing about the key would loop).
      confirmed = false;
      if (++renewals > 2) {
        setBanner("The chat could not start. Please refresh the page.");
        return;
      }
      newSession().then(requestSession, function () {
        setBanner("The chat service is not reachable right now. Please try again in a moment.");
      });
    });
    socket.on("session_confirm", function () {
      confirmed = true;
      sends = {};
      setBanner("");
      flush();
    });
    socket.on("bot_uttered", onBotMessage);
    socket.on("disconnect", function () {
      confirmed = false;
      inFlight = {};
      hideTyping();
      setBanner("Connection lost. Reconnecting… your messages will be sent when we are back.");
    });
    socket.on("connect_error", function () {
      setBanner("Connection lost. Reconnecting… your messages will be sent when we are back.");
    });
  }

  function loadSocketIo() {
    return new Promise(function (resolve) {
      if (typeof window.io === "function") return resolve();
      var tag = document.createElement("script");
      tag.src = new URL("../vendor/socket.io.min.js", assetBase).href;
      tag.onload = resolve;
      tag.onerror = resolve; // connect() reports the failure
      document.head.appendChild(tag);
    });
  }

  var started = null;
  function start() {
    if (started) return started;
    var fresh = session && Date.now() - (session.started_at || 0) < SESSION_MAX_AGE_MS;
    var ready = resumeToken ? resumeFromLink() : fresh ? showHistory() : newSession();
    checkAvailability();
    started = Promise.all([ready, loadSocketIo()])
      .then(function () {
        // The messages still queued: those an earlier page left, shown now, and those typed
        // while the chat loaded, shown already and moved below the history (shown twice, the
        // second copy stayed "sending…" for good).
        outbox.forEach(function (item) {
          var bubble = outboxBubble(item.id);
          if (bubble) log.appendChild(bubble);
          else showQueued(item);
        });
        if ("BroadcastChannel" in window) {
          channel = new BroadcastChannel(STORE + ":" + session.session_id);
          channel.onmessage = function (event) {
            if (event.data && event.data.type === "customer") addMessage("customer", String(event.data.text));
          };
        }
        connect();
      })
      .catch(function () {
        started = null;
        setBanner("The chat service is not reachable right now. Please try again in a moment.");
      });
    return started;
  }

  // A conversation already under way reconnects at once, so replies reach the visitor even
  // before the panel is opened again.
  if (config.open || resumeToken || (session && load("opened", false))) {
    if (document.body) setOpen(true, true);
    else document.addEventListener("DOMContentLoaded", function () { setOpen(true, true); });
  }
})();
