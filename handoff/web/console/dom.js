// DOM helpers for the console. Everything a customer, an agent or the bot wrote goes on the page
// through textContent / text nodes, never innerHTML: a message such as <img src=x onerror=...>
// is shown as those characters. Links are made only from http(s) URLs, checked with URL().

export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") node.textContent = String(value);
    else if (key === "className") node.className = value;
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of [].concat(children)) {
    if (child === null || child === undefined || child === false) continue;
    node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function safeHref(candidate) {
  try {
    const url = new URL(String(candidate));
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

const URL_RE = /https?:\/\/[^\s<>"'`]+/g;

/** Text with its http(s) URLs as links; everything else as text nodes. */
export function linkified(text) {
  const fragment = document.createDocumentFragment();
  const value = String(text ?? "");
  let last = 0;
  for (const match of value.matchAll(URL_RE)) {
    const url = match[0].replace(/[.,;:!?)\]]+$/, "");
    const href = safeHref(url);
    if (!href) continue;
    fragment.append(value.slice(last, match.index));
    fragment.append(el("a", { href, target: "_blank", rel: "noopener noreferrer nofollow", text: url }));
    last = match.index + url.length;
  }
  fragment.append(value.slice(last));
  return fragment;
}

export function clock(seconds) {
  if (!seconds) return "";
  return new Date(seconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function humanize(key) {
  return String(key).replace(/[_-]+/g, " ").replace(/^\w/, (c) => c.toUpperCase());
}

/** Any JSON value as a readable definition list (for the packet parts of unknown shape). */
export function valueView(value, depth = 0) {
  if (value === null || value === undefined || value === "") return el("span", { className: "muted", text: "—" });
  if (Array.isArray(value)) {
    if (!value.length) return el("span", { className: "muted", text: "none" });
    if (value.every((v) => typeof v !== "object" || v === null)) return el("span", {}, [linkified(value.join(", "))]);
    return el("ul", { className: "plain" }, value.map((v) => el("li", {}, [valueView(v, depth + 1)])));
  }
  if (typeof value === "object") {
    if (depth > 4) return el("code", { text: JSON.stringify(value) });
    const entries = Object.entries(value).filter(([, v]) => v !== null && v !== undefined && v !== "");
    if (!entries.length) return el("span", { className: "muted", text: "—" });
    return el("dl", { className: "kv" }, entries.flatMap(([k, v]) => [el("dt", { text: humanize(k) }), el("dd", {}, [valueView(v, depth + 1)])]));
  }
  if (typeof value === "boolean") return el("span", { text: value ? "yes" : "no" });
  return el("span", {}, [linkified(String(value))]);
}
