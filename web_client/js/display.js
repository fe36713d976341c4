// The waiting-room display: a kiosk opened as /display#token=<display token>. The token is
// read from the fragment (never sent in a URL), kept in localStorage and removed from the
// address bar. It shows tickets and rooms only: queue items carry no patient data, and
// nothing else is requested. It runs for days: it reconnects and resumes by itself, takes a
// new token (a new #token=..., or another tab writing localStorage) without a reload,
// keeps the last known screen while the token is refused, and subscribes again after
// the clinic's midnight.

import { clinicTime, loadClinicZone, watchDay } from "./clock.js";
import { chime, enableSound, soundBlocked } from "./chime.js";
import { $, el, rerender, show } from "./dom.js";
import { applyI18n, mountLanguageSwitch, onLanguageChange, t } from "./i18n.js";
import { LiveConnection, LiveView } from "./live.js";
import { ConnectionStatus } from "./status.js";

const TOKEN_KEY = "clinicHub.displayToken";
const RECENT_CALLS = 5;
const ANNOUNCE_WITHIN_MS = 120_000; // a call missed while offline is announced if this recent
const AUTH_RETRY_MS = 30_000;

const status = new ConnectionStatus({ indicator: $("#connection"), banner: $("#banner") });
let connection = null;
let queue = null;
let authRetry = null;
let chimes = 0;

function takeTokenFromFragment() {
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  if (token) {
    localStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", location.pathname + location.search);
  }
  return Boolean(token);
}

const token = () => localStorage.getItem(TOKEN_KEY);

// A new token arrived: refresh the live socket with it, or connect with it.
function useNewToken() {
  status.setProblem(token() ? null : "display.noToken");
  if (!token()) return;
  clearTimeout(authRetry);
  if (connection.connected) {
    connection.ask("refresh", { token: token() }).catch(() => connection.end("invalid_token"));
  } else connection.start();
}

function authProblem(code) {
  status.setProblem(code === "token_expired" ? "display.tokenExpired" : code === "forbidden" ? "display.forbidden"
    : "display.tokenInvalid");
  clearTimeout(authRetry);
  authRetry = setTimeout(() => connection.start(), AUTH_RETRY_MS); // it may have been fixed meanwhile
}

function announce(item) {
  const text = t("display.announce", { ticket: item.ticket, room: item.room || "" });
  const announcer = $("#announcer");
  announcer.textContent = "";
  setTimeout(() => (announcer.textContent = text), 50);
  if (chime()) chimes += 1;
  document.body.dataset.calls = String(Number(document.body.dataset.calls || 0) + 1);
  document.body.dataset.chimes = String(chimes);
}

function isNewCall(before, after) {
  if (!after || after.status !== "called" || !after.called_at) return false;
  return !before || before.called_at !== after.called_at || (before.recalls || 0) !== (after.recalls || 0);
}

function onChange(event, { resumed }, view) {
  const after = event.data;
  if (isNewCall(view.previous.get(event.id), after)) {
    const recent = Date.now() - new Date(after.called_at).getTime() < ANNOUNCE_WITHIN_MS;
    if (!resumed || recent) announce(after);
  }
  render();
}

function calledOrder(a, b) {
  return (b.called_at || "").localeCompare(a.called_at || "");
}

function render() {
  const items = [...queue.items.values()];
  queue.previous = new Map(queue.items);
  const calls = items.filter((i) => i.called_at && (i.status === "called" || i.status === "in_progress")).sort(calledOrder);
  const waiting = items.filter((i) => i.status === "checked_in").sort((a, b) => (a.ticket || "").localeCompare(b.ticket || ""));
  const [latest, ...earlier] = calls;
  rerender($("#latest-call"), (box) => {
    if (!latest) return box.append(el("p", { class: "no-calls" }, t("display.noCalls")));
    return box.append(
      el("span", { class: "latest-ticket", dataset: { ticket: latest.ticket } }, latest.ticket),
      el("span", { class: "latest-room" }, latest.room || ""),
      el("span", { class: "latest-doctor" }, latest.doctor || ""));
  });
  show($(".recent-heading"), earlier.length > 0);
  rerender($("#recent-calls"), (list) => {
    for (const item of earlier.slice(0, RECENT_CALLS)) {
      list.append(el("li", { dataset: { ticket: item.ticket } },
        el("span", { class: "recent-ticket" }, item.ticket), el("span", { class: "recent-room" }, item.room || "")));
    }
  });
  rerender($("#waiting-tickets"), (list) => {
    for (const item of waiting) list.append(el("li", { dataset: { ticket: item.ticket } }, item.ticket));
  });
  show($("#queue-empty"), queue.synced && !waiting.length);
}

function tick() {
  $("#clock").textContent = clinicTime(new Date());
}

function soundButton() {
  const button = $("#sound");
  show(button, soundBlocked());
  button.addEventListener("click", async () => show(button, !(await enableSound())));
  document.addEventListener("keydown", async () => show(button, !(await enableSound())), { once: true });
}

async function main() {
  takeTokenFromFragment();
  applyI18n(document);
  mountLanguageSwitch($("#lang-switch"));
  await loadClinicZone();
  tick();
  setInterval(tick, 10_000);
  connection = new LiveConnection("/queue", { token, onAuthProblem: authProblem });
  connection.socket.on("connect", () => status.setProblem(null));
  status.track(connection);
  queue = new LiveView(connection, {}, { onReset: render, onChange, onSynced: render });
  queue.previous = new Map();
  watchDay(() => queue.setFilter({})); // a new clinic day: today's queue, not a resume
  window.addEventListener("hashchange", () => takeTokenFromFragment() && useNewToken());
  window.addEventListener("storage", (event) => event.key === TOKEN_KEY && useNewToken());
  onLanguageChange(render);
  soundButton();
  render();
  if (token()) connection.start();
  else status.setProblem("display.noToken");
}

main();
