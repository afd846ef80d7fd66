// The admin page: agents, teams, canned replies and the audit, for admins. It shares the console's
// sign-in (the token in this tab's sessionStorage, api.js); the API refuses anyone else (403).

import { Api, ApiError } from "./api.js";
import { el, clear } from "./dom.js";
import { installAgents, loadAgents } from "./admin-agents.js";
import { installCanned, loadCanned } from "./admin-canned.js";
import { installAudit, loadAudit } from "./admin-audit.js";

const api = new Api();
const $ = (id) => document.getElementById(id);

function flash(text, kind = "info") {
  const node = $("flash");
  node.textContent = text;
  node.className = `flash ${kind}`;
  node.hidden = false;
  clearTimeout(flash.timer);
  flash.timer = setTimeout(() => { node.hidden = true; }, 8000);
}

/** Run an action; say what went wrong, or `success`; the result, or undefined when it failed. */
async function attempt(action, success) {
  try {
    const result = await action();
    if (success) flash(success, "ok");
    return result ?? true; // 204: null, a success all the same
  } catch (error) {
    flash(error instanceof ApiError ? error.message : String(error), "error");
    return undefined;
  }
}

const page = { api, $, flash, attempt, teams: [], me: null };

// ---------- teams: the routing's, with their members and leads ----------
// A lead sees the reports of the teams they lead (decision 0235); the box is audited like any change.
function leadBox(team, member) {
  const box = el("input", { type: "checkbox", checked: member.lead, "aria-label": `${member.display_name} leads ${team}` });
  box.addEventListener("change", async () => {
    const path = `/teams/${encodeURIComponent(team)}/leads/${encodeURIComponent(member.username)}`;
    const done = box.checked
      ? await attempt(() => api.put(path, {}), `${member.display_name} now leads ${team}: they see its reports.`)
      : await attempt(() => api.request("DELETE", path), `${member.display_name} no longer leads ${team}.`);
    if (done) loadTeams();
    else box.checked = !box.checked;
  });
  return el("label", { className: "check" }, [box, "lead"]);
}

async function loadTeams() {
  const teams = await attempt(() => api.get("/teams"));
  if (!teams) return;
  page.teams = teams.map((team) => team.name);
  const list = clear($("teams-list"));
  for (const team of teams) {
    const members = team.members.length
      ? el("ul", { className: "plain members" }, team.members.map((m) => el("li", { "data-member": m.username }, [
        el("span", { text: `${m.display_name} (${m.username}), ${m.status}` }), leadBox(team.name, m)])))
      : el("p", { className: "muted", text: "nobody yet" });
    const leads = team.members.filter((m) => m.lead).map((m) => m.display_name);
    list.append(el("section", { "aria-label": `Team ${team.name}` }, [
      el("h3", { text: team.name }),
      el("p", { className: "muted small", text: leads.length ? `Led by ${leads.join(", ")}` : "No lead" }),
      members,
    ]));
  }
}

// ---------- sections ----------
const loaders = { agents: loadAgents, teams: loadTeams, canned: loadCanned, audit: () => loadAudit(null) };

function show(section) {
  if (!(section in loaders)) section = "agents";
  for (const tab of document.querySelectorAll("[data-section]")) {
    tab.setAttribute("aria-selected", String(tab.dataset.section === section));
  }
  for (const panel of document.querySelectorAll("[data-section-panel]")) {
    panel.hidden = panel.dataset.sectionPanel !== section;
  }
  if (location.hash !== `#${section}`) history.replaceState(null, "", `#${section}`);
  loaders[section](page);
}

// ---------- start ----------
function sendToSignIn() {
  location.href = "/console";
}

async function start() {
  api.onUnauthorized = sendToSignIn;
  if (!api.token) return sendToSignIn();
  try {
    page.me = await api.get("/agents/me");
  } catch {
    return undefined; // 401: onUnauthorized went to the sign-in
  }
  $("me-name").textContent = page.me.display_name;
  if (page.me.role !== "admin") {
    $("denied").textContent = "Only an admin can manage agents, teams and canned replies. Ask an admin of your shop.";
    $("denied").hidden = false;
    return undefined;
  }
  await loadTeams();
  installAgents(page);
  installCanned(page);
  installAudit(page);
  for (const tab of document.querySelectorAll("[data-section]")) {
    tab.addEventListener("click", () => show(tab.dataset.section));
  }
  show(location.hash.slice(1));
  // Shown only now: a tab clicked before its handler was bound did nothing.
  $("admin").hidden = false;
  return undefined;
}

$("logout").addEventListener("click", async () => {
  await api.signOut();
  sendToSignIn();
});

start();
