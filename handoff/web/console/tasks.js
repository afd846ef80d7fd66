// Follow-up tasks (issue 21): the agent's list (due ones first, with their reminders), the form
// that sets one on the open conversation, the email form (an "email me" task answered by email,
// POST /escalations/{id}/emails), where a reply reaches the customer (their last channel;
// WhatsApp's 24-hour window, outside it the email form), and the live pushes about them. Kept
// out of app.js: app.js calls installTasks, renderTaskForm and onTaskLive and nothing else.

import { el, clear } from "./dom.js";

const $ = (id) => document.getElementById(id);
let context = null; // { api, attempt, flash, announce, select, selected, holding }
let answering = null; // the task an email being written answers: { id, escalation_id }

// The bot's "email me" task: answered by writing the email, which marks it done.
const isEmailTask = (task) => task.created_by === "bot" && task.note.startsWith("Email the customer at ");

function when(seconds) {
  return new Date(seconds * 1000).toLocaleString([], { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
}

function taskView(task) {
  const label = task.state === "overdue" ? "overdue" : task.state === "due" ? "due now" : `due ${when(task.due_at)}`;
  return el("li", { className: `task task-${task.state}`, "data-task-id": task.id }, [
    el("button", { type: "button", className: "card-button", onclick: () => context.select(task.escalation_id) }, [
      el("span", { className: "card-top" }, [el("strong", { text: task.note }), el("span", { className: "task-when", text: label })]),
      el("span", { className: "card-meta", text: `${task.agent_name || `${task.team} team`} · conversation ${task.escalation_id}` }),
    ]),
    isEmailTask(task)
      ? el("button", { type: "button", className: "task-done", text: "Write email", onclick: () => writeEmail(task) })
      : null,
    el("button", { type: "button", className: "task-done", text: "Done", onclick: () => finish(task.id) }),
  ]);
}

export async function loadTasks() {
  const tasks = await context.attempt(() => context.api.get("/tasks"));
  if (!tasks) return;
  const list = clear($("tasks-list"));
  const order = { overdue: 0, due: 1, open: 2 };
  tasks.sort((a, b) => order[a.state] - order[b.state] || a.due_at - b.due_at);
  if (!tasks.length) list.append(el("li", { className: "muted none", text: "None" }));
  tasks.forEach((task) => list.append(taskView(task)));
  $("tasks-count").textContent = String(tasks.filter((t) => t.state !== "open").length);
}

async function finish(id) {
  if (await context.attempt(() => context.api.post(`/tasks/${id}/done`), "Follow-up done.")) loadTasks();
}

async function writeEmail(task) {
  answering = { id: task.id, escalation_id: task.escalation_id };
  await context.select(task.escalation_id);
  $("email-text").focus();
}

/** The "follow up" form shows on a conversation the agent may see; telling the customer needs the chat.
 * The email form shows where the customer left an address (an accepted one: to its holder). */
export function renderTaskForm(detail, mine) {
  $("task-form").hidden = !detail;
  $("task-tell").disabled = !mine || detail.state !== "accepted";
  if ($("task-tell").disabled) $("task-tell").checked = false;
  const address = detail && (detail.follow_up_email || detail.email);
  $("email-form").hidden = !address || (detail.state === "accepted" && !mine);
  // app.js disables the actions of a conversation the agent does not hold; an email may also
  // answer a queued or closed one of their team.
  for (const node of $("email-form").querySelectorAll("input, textarea, button")) node.disabled = $("email-form").hidden;
  $("email-to").textContent = address || "";
  if (answering && (!detail || answering.escalation_id !== detail.id)) answering = null;
  if (detail) showReach(detail.id, mine);
}

/** Where a follow-up reaches the customer (GET /escalations/{id}/reach): the channel they last
 * used; on WhatsApp outside its 24-hour window the chat is refused, so the reason is shown in the
 * reply box and the email form is pointed to. */
async function showReach(id, mine) {
  let note = $("reach-note");
  if (!note) {
    note = el("p", { id: "reach-note", role: "status", className: "reach-note" });
    $("email-form").before(note);
  }
  note.textContent = "";
  const reach = await context.api.get(`/escalations/${id}/reach`).catch(() => null);
  if (!reach || context.selected() !== id) return; // another conversation was opened meanwhile
  const where = `Replies go to ${reach.channel_label}${reach.this_conversation ? "" : ", where the customer wrote last"}`;
  if (reach.open) {
    note.className = "reach-note muted";
    note.textContent = reach.window_closes_at
      ? `${where}; WhatsApp takes our messages until ${when(reach.window_closes_at)}.` : `${where}.`;
    return;
  }
  note.className = "reach-note reach-closed";
  note.style.color = "var(--warn)";
  note.textContent = reach.reason;
  if (mine) $("reply").placeholder = reach.reason;
  if (reach.email_offered && !$("email-form").hidden) $("email-text").focus();
}

async function sendEmail(event) {
  event.preventDefault();
  const text = $("email-text").value.trim();
  if (!text) return context.flash("Write the email first.", "error");
  const id = context.selected();
  const body = { text, subject: $("email-subject").value.trim() || null,
    task_id: answering && answering.escalation_id === id ? answering.id : null };
  $("email-send").disabled = true;
  // A failure is flashed with the mail server's reason and the draft stays, to send again.
  const sent = await context.attempt(() => context.api.post(`/escalations/${id}/emails`, body));
  $("email-send").disabled = false;
  if (!sent) return;
  for (const field of ["email-text", "email-subject"]) $(field).value = "";
  answering = null;
  context.flash(sent.in_transcript ? `Email sent to ${sent.to}.`
    : `Email sent to ${sent.to}; it is in the conversation's history, not yet in the transcript.`, "ok");
  loadTasks();
}

export function installTasks(deps) {
  context = deps;
  $("email-form").addEventListener("submit", sendEmail);
  $("task-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const due = $("task-due").value ? new Date($("task-due").value).getTime() / 1000 : NaN;
    const note = $("task-note").value.trim();
    if (!note || Number.isNaN(due)) return context.flash("Give the follow-up a time and a note.", "error");
    const body = { due_at: due, note, promise: $("task-promise").value.trim() || null, tell_customer: $("task-tell").checked };
    const task = await context.attempt(() => context.api.post(`/escalations/${context.selected()}/tasks`, body),
      body.tell_customer ? "Follow-up set; the customer was told when to expect you." : "Follow-up set.");
    if (task) {
      for (const id of ["task-note", "task-promise"]) $(id).value = "";
      loadTasks();
    }
  });
  $("task-due").min = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

/** task.* pushes: a due reminder or an overdue escalation is announced; any change reloads the list. */
export function onTaskLive(type, data) {
  if (type === "task.due") {
    context.flash(`Follow-up due: ${data.note} (conversation ${data.escalation_id}).`, "info");
    context.announce(`Follow-up due: ${data.note}`);
  } else if (type === "task.overdue") {
    context.flash(`Overdue follow-up for the ${data.team} team: ${data.note}.`, "error");
    context.announce(`Overdue follow-up: ${data.note}`);
  }
  loadTasks();
}
