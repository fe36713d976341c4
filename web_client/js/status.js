// The connection indicator and the "no connection since hh:mm" banner, shared by every screen.
// The screen is online when every one of its connections is; the banner shows from the first
// moment one of them was lost, until all are back.

import { clinicTime } from "./clock.js";
import { onLanguageChange, t } from "./i18n.js";
import { clear, el } from "./dom.js";

export class ConnectionStatus {
  constructor({ indicator, banner }) {
    this.indicator = indicator;
    this.banner = banner;
    this.states = new Map();
    this.downSince = null;
    this.problem = null; // a message key shown instead of the offline text (e.g. display token)
    onLanguageChange(() => this.render());
    this.render();
  }

  track(connection) {
    this.states.set(connection, connection.state);
    const previous = connection.onState;
    connection.onState = (state, conn) => {
      previous(state, conn);
      this.states.set(conn, state);
      this.render();
    };
    this.render();
  }

  setProblem(key) {
    this.problem = key;
    this.render();
  }

  overall() {
    const states = [...this.states.values()];
    if (states.length && states.every((s) => s === "online")) return "online";
    if (states.includes("offline")) return "offline";
    if (states.includes("ended")) return "ended";
    return "connecting";
  }

  render() {
    const state = this.overall();
    if (state === "offline") this.downSince ??= new Date();
    if (state === "online") this.downSince = null;
    document.body.dataset.connection = state;
    this.indicator.className = `connection connection-${state}`;
    clear(this.indicator).append(el("span", { class: "dot", "aria-hidden": "true" }), t(`connection.${state}`));
    const message = this.problem ? t(this.problem)
      : this.downSince ? t("connection.banner", { time: clinicTime(this.downSince) }) : "";
    this.banner.textContent = message;
    this.banner.hidden = !message;
  }
}
