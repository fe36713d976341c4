// The doctor dashboard: today's agenda (live, new and changed rows highlighted), the waiting
// list, call next / recall / start / complete / no-show, and the medical history.

import { request, staffToken } from "./api.js";
import { clinicDate, clinicTime, loadClinicZone, longDate, watchDay } from "./clock.js";
import { Directory } from "./directory.js";
import { HistoryPanel } from "./doctor-history.js";
import { $, el, rerender, show } from "./dom.js";
import { applyI18n, language, mountLanguageSwitch, onLanguageChange, t } from "./i18n.js";
import { LiveConnection, LiveView } from "./live.js";
import { StaffSession } from "./session.js";
import { ConnectionStatus } from "./status.js";

const HIGHLIGHT_MS = 6000;
const NO_SHOW_FROM = new Set(["scheduled", "checked_in"]);
const status = new ConnectionStatus({ indicator: $("#connection"), banner: $("#banner") });
const connections = [];
const fresh = new Map(); // appointment id -> highlighted until (ms)
let session = null;
let doctorId = null;
let agenda = null;
let directory = null;
let history = null;
let appointments = null;

function connect(namespace) {
  const connection = new LiveConnection(namespace, {
    token: () => staffToken.get(),
    onAuthProblem: (code) => session.end(code),
  });
  status.track(connection);
  connections.push(connection);
  return connection;
}

// The session ended without a reload (expiry, revocation, idle logoff): no socket stays open.
function endConnections(code) {
  for (const connection of connections) if (connection.state !== "ended") connection.end(code);
}

function highlight(event) {
  if (event.type === "remove") return;
  fresh.set(event.id, Date.now() + HIGHLIGHT_MS);
  setTimeout(render, HIGHLIGHT_MS + 50);
}

const byStart = (a, b) => a.start.localeCompare(b.start) || (a.checked_in_at || "").localeCompare(b.checked_in_at || "");

function actionButton(a, action, key, cls = "") {
  const name = directory.patientName(a.patient_id);
  return el("button", {
    type: "button", class: cls, dataset: { action, focusKey: `${a.id}:${action}` },
    "aria-label": t(`${key}For`, { name, ticket: a.ticket || "", time: clinicTime(a.start) }),
    onclick: () => (action === "history" ? history.open(a.patient_id) : lifecycle(action, a)),
  }, t(key));
}

function render() {
  $("#today-date").textContent = `· ${longDate(agenda.filter.date, language())}`;
  const items = [...agenda.items.values()].sort(byStart);
  const now = Date.now();
  rerender($("#doctor-agenda"), (body) => {
    for (const a of items) {
      const highlighted = (fresh.get(a.id) || 0) > now;
      body.append(el("tr", { class: `status-${a.status}${highlighted ? " is-fresh" : ""}`, dataset: { appointment: a.id, status: a.status } },
        el("td", {}, `${clinicTime(a.start)}–${clinicTime(a.end)}`),
        el("td", { class: "patient-name" }, directory.patientName(a.patient_id)),
        el("td", {}, a.reason),
        el("td", {}, el("span", { class: `badge badge-${a.status}` }, t(`status.${a.status}`))),
        el("td", { class: "ticket" }, a.ticket || ""),
        el("td", {}, el("div", { class: "actions-row" }, actionButton(a, "history", "doctor.history"),
          NO_SHOW_FROM.has(a.status) && actionButton(a, "no_show", "doctor.noShow")))));
    }
  });
  show($("#agenda-empty"), agenda.synced && !items.length);
  renderWaiting(items.filter((a) => a.status === "checked_in"));
  renderCurrent(items.filter((a) => a.status === "called" || a.status === "in_progress"));
}

function renderWaiting(waiting) {
  rerender($("#waiting-list"), (list) => {
    for (const a of waiting) {
      list.append(el("li", { dataset: { appointment: a.id } },
        el("span", { class: "ticket" }, a.ticket), " ",
        el("span", { class: "patient-name" }, directory.patientName(a.patient_id)), " ",
        el("span", { class: "muted" }, t("doctor.appointmentAt", { time: clinicTime(a.start) })), " ",
        actionButton(a, "no_show", "doctor.noShow")));
    }
  });
  show($("#waiting-empty"), agenda.synced && !waiting.length);
}

function renderCurrent(current) {
  rerender($("#current"), (box) => {
    if (!current.length) box.append(el("p", { class: "muted" }, t("doctor.nobodyCurrent")));
    for (const a of current) {
      box.append(el("div", { class: "current-card", dataset: { appointment: a.id, status: a.status } },
        el("p", {}, el("span", { class: "ticket-big" }, a.ticket), " ",
          el("strong", { class: "patient-name" }, directory.patientName(a.patient_id)), " ",
          el("span", { class: `badge badge-${a.status}` }, t(`status.${a.status}`)),
          a.recalls ? ` ${t("doctor.recalls", { count: a.recalls })}` : ""),
        el("div", { class: "row" },
          a.status === "called" && actionButton(a, "recall", "doctor.recall"),
          a.status === "called" && actionButton(a, "start", "doctor.start", "primary"),
          a.status === "in_progress" && actionButton(a, "complete", "doctor.complete", "primary"),
          actionButton(a, "history", "doctor.history"))));
    }
  });
}

async function lifecycle(action, appointment) {
  $("#doctor-error").textContent = "";
  try {
    await appointments.ask(action, { id: appointment.id });
  } catch (error) {
    $("#doctor-error").textContent = t(`error.${error.code}`, error.details, "error.generic");
  }
}

async function callNext() {
  const note = $("#call-status");
  note.textContent = "";
  try {
    const called = await appointments.ask("call_next", { doctor_id: doctorId });
    note.textContent = t("doctor.called", { ticket: called.ticket, name: directory.patientName(called.patient_id) });
    history.open(called.patient_id);
  } catch (error) {
    note.textContent = error.code === "not_found" ? t("doctor.nobodyWaiting") : t(`error.${error.code}`, {}, "error.generic");
  }
}

async function start(user) {
  doctorId = user.doctor_id;
  const patients = connect("/patients");
  appointments = connect("/appointments");
  directory = new Directory(patients);
  directory.onUpdate(render);
  history = new HistoryPanel({ connection: patients });
  agenda = new LiveView(appointments, { doctor_id: doctorId, date: clinicDate() }, {
    onReset: render, onSynced: render,
    onChange: (event) => {
      highlight(event);
      render();
    },
  });
  render();
  watchDay((today) => agenda.setFilter({ doctor_id: doctorId, date: today }));
  $("#call-next").addEventListener("click", callNext);
  onLanguageChange(render);
  history.restoreDraft();
  for (const connection of connections) connection.start();
  try {
    const doctor = await request("GET", `/doctors/${encodeURIComponent(doctorId)}`);
    $("#doctor-name").textContent = `· ${doctor.first_name} ${doctor.last_name}${doctor.room ? ` · ${doctor.room}` : ""}`;
  } catch {
    // the name is a courtesy; the agenda works without it
  }
}

function resume(user) {
  if (user.doctor_id !== doctorId) return location.reload(); // another doctor: start clean (drafts are kept)
  return connections.forEach((connection) => connection.start());
}

async function main() {
  applyI18n(document);
  mountLanguageSwitch($("#lang-switch"));
  await loadClinicZone();
  session = new StaffSession({ roles: ["doctor"], onStart: start, onResume: resume, onEnd: endConnections });
  await session.begin();
}

main();
