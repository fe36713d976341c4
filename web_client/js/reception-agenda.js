// Reception: the day's agenda for all doctors or one (a live /appointments view), with
// check-in (shows the ticket to hand over), reschedule and cancel.

import { $, el, rerender, show } from "./dom.js";
import { clinicDate, clinicTime } from "./clock.js";
import { t } from "./i18n.js";
import { LiveView } from "./live.js";

const CANCELLABLE = new Set(["scheduled", "checked_in"]);

export class AgendaPanel {
  // onReschedule(appointment): hand the appointment to the booking form.
  constructor({ connection, directory, onReschedule }) {
    Object.assign(this, { connection, directory, onReschedule, confirming: new Set() });
    this.date = $("#agenda-date");
    this.doctor = $("#agenda-doctor");
    this.date.value = clinicDate();
    this.view = new LiveView(connection, this.filter(), {
      onReset: () => this.render(), onChange: () => this.render(), onSynced: () => this.render(), onError: (error) => this.showError(error),
    });
    this.date.addEventListener("change", () => this.refilter());
    this.doctor.addEventListener("change", () => this.refilter());
    directory.onUpdate(() => this.render());
  }

  filter() {
    const date = this.date.value || clinicDate();
    return this.doctor.value ? { doctor_id: this.doctor.value, date } : { date };
  }

  refilter() {
    this.confirming.clear();
    show($("#ticket-notice"), false);
    this.view.setFilter(this.filter());
  }

  // Follows the clinic's day when the agenda shows "today".
  newDay(previous, today) {
    if (this.date.value === previous) {
      this.date.value = today;
      this.refilter();
    }
  }

  renderDoctors() {
    const chosen = this.doctor.value;
    rerender(this.doctor, (select) => {
      select.append(el("option", { value: "" }, t("agenda.allDoctors")));
      for (const d of this.directory.doctors()) select.append(el("option", { value: d.id }, `${d.first_name} ${d.last_name}`));
    });
    this.doctor.value = chosen;
    if (this.doctor.value !== chosen) this.refilter(); // that doctor is gone
    this.render();
  }

  showError(error) {
    $("#agenda-error").textContent = t(`error.${error.code}`, error.details, "error.generic");
  }

  render() {
    const items = [...this.view.items.values()].sort((a, b) => a.start.localeCompare(b.start));
    $("#agenda-caption").textContent = t("agenda.caption", { date: this.view.filter?.date || "" });
    show($("#agenda-empty"), this.view.synced && !items.length);
    rerender($("#agenda-body"), (body) => {
      for (const a of items) body.append(this.row(a));
    });
  }

  row(a) {
    const name = this.directory.patientName(a.patient_id);
    return el("tr", { dataset: { appointment: a.id, status: a.status }, class: `status-${a.status}` },
      el("td", {}, `${clinicTime(a.start)}–${clinicTime(a.end)}`),
      el("td", {}, this.directory.doctorName(a.doctor_id)),
      el("td", { class: "patient-name" }, name),
      el("td", {}, a.reason),
      el("td", {}, el("span", { class: `badge badge-${a.status}` }, t(`status.${a.status}`)), a.forced ? ` ${t("agenda.forced")}` : ""),
      el("td", { class: "ticket" }, a.ticket || ""),
      el("td", {}, el("div", { class: "actions-row" }, this.actions(a, name))));
  }

  actions(a, name) {
    const button = (action, key, handler, cls = "") => el("button", {
      type: "button", class: cls, onclick: handler, dataset: { action, focusKey: `${a.id}:${action}` },
      "aria-label": t(`${key}For`, { name, time: clinicTime(a.start) }),
    }, t(key));
    if (this.confirming.has(a.id)) {
      return [button("confirm-cancel", "agenda.confirmCancel", () => this.cancel(a), "danger"),
        button("keep", "agenda.keep", () => this.confirm(a, false))];
    }
    const buttons = [];
    // A ticket is for today's waiting room: the hub checks in only on the appointment's day.
    if (a.status === "scheduled" && clinicDate(new Date(a.start)) === clinicDate()) {
      buttons.push(button("check-in", "agenda.checkIn", () => this.checkIn(a, name), "primary"));
    }
    if (a.status === "scheduled") buttons.push(button("reschedule", "agenda.reschedule", () => this.onReschedule(a)));
    if (CANCELLABLE.has(a.status)) buttons.push(button("cancel", "agenda.cancel", () => this.confirm(a, true)));
    return buttons;
  }

  confirm(a, asking) {
    if (asking) this.confirming.add(a.id);
    else this.confirming.delete(a.id);
    this.render();
    const target = $(`[data-focus-key="${a.id}:${asking ? "confirm-cancel" : "cancel"}"]`);
    if (target) target.focus();
  }

  async run(event, payload) {
    $("#agenda-error").textContent = "";
    try {
      return await this.connection.ask(event, payload);
    } catch (error) {
      this.showError(error);
      return null;
    }
  }

  async checkIn(a, name) {
    const saved = await this.run("check_in", { id: a.id });
    if (saved) this.showTicket(saved, name);
  }

  async cancel(a) {
    this.confirming.delete(a.id);
    await this.run("cancel", { id: a.id });
    this.render();
  }

  showTicket(appointment, name) {
    const notice = $("#ticket-notice");
    rerender(notice, (box) => box.append(
      el("span", {}, t("agenda.ticketFor", { name })),
      el("strong", { class: "ticket-big", dataset: { ticket: appointment.ticket } }, appointment.ticket),
      el("span", {}, t("agenda.ticketRoom", { room: appointment.room || "—" })),
      el("button", { type: "button", onclick: () => show(notice, false), dataset: { focusKey: "close-ticket" } }, t("common.close"))));
    show(notice, true);
  }
}
