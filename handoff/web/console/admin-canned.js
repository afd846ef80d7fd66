// The admin page's Canned replies tab: add, edit and delete the replies agents insert.

import { el, clear } from "./dom.js";

let page;
let latest = 0; // the newest load: an older answer that arrives later is not shown

function teamSelect(chosen, label) {
  return el("select", { "aria-label": label }, page.teams.map((team) => el("option", { value: team, text: team, selected: team === chosen })));
}

function replyItem(reply) {
  const title = el("input", { value: reply.title, maxlength: "120", "aria-label": `Title of ${reply.title}` });
  const team = teamSelect(reply.team, `Team of ${reply.title}`);
  const text = el("textarea", { rows: "3", maxlength: "2000", "aria-label": `Text of ${reply.title}` });
  text.value = reply.text;
  const path = `/canned-responses/${encodeURIComponent(reply.id)}`;
  const form = el("form", { "aria-label": `Canned reply ${reply.title}` }, [
    title, team, text,
    el("div", { className: "actions" }, [
      el("button", { type: "submit", text: "Save" }),
      el("button", { type: "button", text: "Delete", onclick: async () => {
        const done = await page.attempt(() => page.api.request("DELETE", path), `Deleted "${reply.title}".`);
        if (done) loadCanned();
      } }),
      el("span", { className: "muted small", text: `last changed by ${reply.updated_by}` }),
    ]),
  ]);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const done = await page.attempt(() => page.api.put(path, { title: title.value, team: team.value, text: text.value }),
      `Saved "${title.value}".`);
    if (done) loadCanned();
  });
  return el("li", {}, [form]);
}

export async function loadCanned() {
  const ticket = ++latest;
  const replies = await page.attempt(() => page.api.get("/canned-responses"));
  if (ticket !== latest || !replies) return;
  const list = clear(page.$("canned-list"));
  for (const reply of replies) list.append(replyItem(reply));
}

export function installCanned(context) {
  page = context;
  const select = page.$("new-canned-team");
  select.append(...page.teams.map((team) => el("option", { value: team, text: team, selected: team === "general" })));
  page.$("new-canned").addEventListener("submit", async (event) => {
    event.preventDefault();
    const created = await page.attempt(() => page.api.post("/canned-responses", {
      title: page.$("new-canned-title").value, team: select.value, text: page.$("new-canned-text").value,
    }), "Added the canned reply.");
    if (!created) return;
    page.$("new-canned").reset();
    loadCanned();
  });
}
