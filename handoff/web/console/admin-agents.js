// The admin page's Agents tab: create an account; change its name, teams, admin flag and
// capacity; reset its password; deactivate and reactivate it. Every change is audited server-side.

import { el, clear } from "./dom.js";

let page;
let latest = 0; // the newest load: an older answer that arrives later is not shown

function teamBoxes(prefix, chosen) {
  return page.teams.map((team) => el("label", { className: "check" }, [
    el("input", { type: "checkbox", value: team, checked: chosen.includes(team), "aria-label": `${prefix} ${team}` }),
    team,
  ]));
}

function checkedTeams(container) {
  return [...container.querySelectorAll("input[type=checkbox]:checked")].map((box) => box.value);
}

function agentRow(agent) {
  const who = agent.username;
  const name = el("input", { className: "name", value: agent.display_name, maxlength: "120", "aria-label": `Name of ${who}` });
  const teams = el("div", { className: "teams" }, teamBoxes(`Team of ${who}:`, agent.teams));
  const admin = el("input", { type: "checkbox", checked: agent.role === "admin", "aria-label": `${who} is an admin` });
  const capacity = el("input", { type: "number", min: "1", max: "50", value: String(agent.capacity), "aria-label": `Capacity of ${who}` });
  const password = el("input", { type: "password", minlength: "8", maxlength: "200", autocomplete: "new-password",
    placeholder: "new password", "aria-label": `New password for ${who}` });
  const save = el("button", { type: "button", text: "Save", onclick: async () => {
    const done = await page.attempt(() => page.api.request("PATCH", `/agents/${encodeURIComponent(who)}`, {
      display_name: name.value, teams: checkedTeams(teams), role: admin.checked ? "admin" : "agent",
      capacity: Number(capacity.value),
    }), `Saved ${who}.`);
    if (done) loadAgents(page);
  } });
  const passwordAction = agent.active
    ? el("button", { type: "button", text: "Reset password", onclick: async () => {
      const done = await page.attempt(() => page.api.put(`/agents/${encodeURIComponent(who)}/password`, { password: password.value }),
        `New password set for ${who}: their open sessions were signed out.`);
      if (done) password.value = "";
    } })
    : el("button", { type: "button", text: "Reactivate", onclick: async () => {
      const done = await page.attempt(() => page.api.post(`/agents/${encodeURIComponent(who)}/reactivate`, { password: password.value }),
        `${who} is active again, with the new password.`);
      if (done) loadAgents(page);
    } });
  const deactivate = agent.active && el("button", { type: "button", text: "Deactivate", onclick: async () => {
    const done = await page.attempt(() => page.api.request("DELETE", `/agents/${encodeURIComponent(who)}`),
      `${who} is deactivated: they cannot sign in; reactivate them to let them back.`);
    if (done) loadAgents(page);
  } });
  const now = agent.active ? `${agent.status}, ${agent.active_chats} open` : "deactivated";
  return el("tr", { className: agent.active ? "" : "inactive", "data-agent": who }, [
    el("td", {}, [el("strong", { text: who }), el("br"), name]),
    el("td", {}, [teams]),
    el("td", {}, [admin]),
    el("td", {}, [capacity]),
    el("td", { text: now }),
    el("td", {}, [el("div", { className: "actions" }, [password, passwordAction])]),
    el("td", {}, [el("div", { className: "actions" }, [agent.active ? save : null, deactivate])]),
  ]);
}

export async function loadAgents() {
  const inactive = page.$("show-inactive").checked;
  const ticket = ++latest;
  const agents = await page.attempt(() => page.api.get(`/agents${inactive ? "?include_inactive=true" : ""}`));
  if (ticket !== latest || !agents) return;
  const rows = clear(page.$("agents-rows"));
  for (const agent of agents) rows.append(agentRow(agent));
}

export function installAgents(context) {
  page = context;
  const fieldset = page.$("new-teams");
  fieldset.append(...teamBoxes("New agent's team:", ["general"]));
  page.$("show-inactive").addEventListener("change", () => loadAgents());
  page.$("new-agent").addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = page.$("new-username").value.trim();
    const created = await page.attempt(() => page.api.post("/agents", {
      username, password: page.$("new-password").value, display_name: page.$("new-display-name").value,
      teams: checkedTeams(fieldset), role: page.$("new-admin").checked ? "admin" : "agent",
      capacity: Number(page.$("new-capacity").value) || null,
    }), `Created ${username}: they can sign in now.`);
    if (!created) return;
    page.$("new-agent").reset();
    loadAgents();
  });
}
