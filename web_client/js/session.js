// The staff shell shared by reception and the doctor dashboard: login form, the logged-in
// user, logout, and going back to login when the session ends. The screen's DOM stays in
// place (hidden) while logged out, and drafts are in sessionStorage, so nothing typed is lost.

import { HubError, login, me, staffToken, whenAuthLost } from "./api.js";
import { $, el, show } from "./dom.js";
import { clearAllDrafts } from "./drafts.js";
import { t } from "./i18n.js";
import { IdleTimer, idleLimit } from "./idle.js";

const ENDED_MESSAGES = {
  token_expired: "login.expired",
  invalid_token: "login.expired",
  missing_token: "login.expired",
  revoked: "login.revoked",
  idle: "login.idle",
  forbidden: "login.forbidden",
};

export class StaffSession {
  // roles: who may use this screen; onStart(user) once; onResume(user) after each re-login;
  // onEnd(code) when the session ends without a reload (expiry, revocation, idle logoff).
  constructor({ roles, onStart, onResume = () => {}, onEnd = () => {} }) {
    Object.assign(this, { roles, onStart, onResume, onEnd, user: null, started: false });
    this.idle = new IdleTimer(() => this.end("idle"));
    this.section = $("#login-section");
    this.app = $("#app");
    this.form = this.buildForm();
    this.section.append(this.form);
    $("#logout").addEventListener("click", () => this.logout());
    whenAuthLost((code) => this.end(code));
  }

  buildForm() {
    const field = (id, type, key, autocomplete) => el("div", { class: "field" },
      el("label", { for: id, "data-i18n": key }, t(key)),
      el("input", { id, name: id.slice(6), type, required: true, autocomplete }));
    return el("form", { id: "login-form", class: "panel narrow", onsubmit: (e) => this.submit(e) },
      el("h2", { "data-i18n": "login.heading" }, t("login.heading")),
      el("p", { id: "login-message", class: "notice", role: "status", hidden: true }),
      field("login-email", "email", "login.email", "username"),
      field("login-password", "password", "login.password", "current-password"),
      el("p", { id: "login-error", class: "form-error", role: "alert" }),
      el("button", { type: "submit", class: "primary", "data-i18n": "login.submit" }, t("login.submit")));
  }

  async begin() {
    if (staffToken.get()) {
      try {
        return await this.enter(await me());
      } catch (error) {
        if (!(error instanceof HubError) || !error.isAuth) return this.showLogin("login.offline");
      }
    }
    return this.showLogin();
  }

  showLogin(messageKey) {
    show(this.app, false);
    show(this.section, true);
    show($("#logout"), false);
    $("#who").textContent = "";
    const message = $("#login-message", this.form);
    message.textContent = messageKey ? t(messageKey) : "";
    message.dataset.i18n = messageKey || "";
    show(message, Boolean(messageKey));
    $("#login-email", this.form).focus();
  }

  async submit(event) {
    event.preventDefault();
    const error = $("#login-error", this.form);
    error.textContent = "";
    try {
      const answer = await login($("#login-email", this.form).value.trim(), $("#login-password", this.form).value);
      idleLimit.set(answer.idle_logoff_minutes);
      const user = await me();
      if (!this.roles.includes(user.role)) {
        staffToken.clear();
        error.textContent = t("login.wrongRole");
        return;
      }
      $("#login-password", this.form).value = "";
      await this.enter(user);
    } catch (failure) {
      error.textContent = t(`error.${failure.code}`, {}, "error.generic");
    }
  }

  async enter(user) {
    if (!this.roles.includes(user.role)) return this.showLogin("login.wrongRole");
    this.user = user;
    show(this.section, false);
    show(this.app, true);
    show($("#logout"), true);
    $("#who").textContent = `${user.first_name} ${user.last_name}`;
    this.idle.start();
    if (this.started) return this.onResume(user);
    this.started = true;
    return this.onStart(user);
  }

  // The session cannot go on (expired, revoked, or refused): back to login, keep the screen.
  end(code) {
    if (!this.user) return;
    this.user = null;
    this.idle.stop();
    staffToken.clear();
    this.onEnd(code);
    this.showLogin(ENDED_MESSAGES[code] || "login.expired");
  }

  logout() {
    staffToken.clear();
    idleLimit.set(0);
    clearAllDrafts();
    location.reload();
  }
}
