// The reception screen: login, patients, booking and the day's agenda, all live.

import { staffToken } from "./api.js";
import { clinicDate, loadClinicZone, watchDay } from "./clock.js";
import { Directory } from "./directory.js";
import { $ } from "./dom.js";
import { applyI18n, mountLanguageSwitch, onLanguageChange } from "./i18n.js";
import { LiveConnection, LiveView } from "./live.js";
import { AgendaPanel } from "./reception-agenda.js";
import { BookingPanel } from "./reception-booking.js";
import { PatientsPanel } from "./reception-patients.js";
import { StaffSession } from "./session.js";
import { ConnectionStatus } from "./status.js";

const status = new ConnectionStatus({ indicator: $("#connection"), banner: $("#banner") });
const connections = [];
let session = null;

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

function start() {
  const patients = connect("/patients");
  const doctors = connect("/doctors");
  const appointments = connect("/appointments");
  const directory = new Directory(patients);
  const booking = new BookingPanel({ connection: appointments, directory });
  const agenda = new AgendaPanel({
    connection: appointments, directory, onReschedule: (appointment) => booking.startRescheduling(appointment),
  });
  const patientsPanel = new PatientsPanel({ connection: patients, directory, onChoose: (p) => booking.setPatient(p) });
  const doctorsChanged = () => {
    booking.renderDoctors();
    agenda.renderDoctors();
  };
  directory.doctorsView = new LiveView(doctors, {}, { onReset: doctorsChanged, onChange: doctorsChanged });
  patientsPanel.restoreDraft();
  booking.restoreDraft();
  let today = clinicDate();
  watchDay((now) => {
    agenda.newDay(today, now);
    today = now;
  });
  onLanguageChange(() => {
    patientsPanel.renderResults();
    patientsPanel.renderTitle();
    booking.relabel();
    doctorsChanged();
  });
  for (const connection of connections) connection.start();
}

async function main() {
  applyI18n(document);
  mountLanguageSwitch($("#lang-switch"));
  await loadClinicZone();
  session = new StaffSession({
    roles: ["reception", "admin"],
    onStart: start,
    onResume: () => connections.forEach((connection) => connection.start()),
    onEnd: endConnections,
  });
  await session.begin();
}

main();
