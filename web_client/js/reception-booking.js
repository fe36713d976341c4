// Reception: book into a free slot (the `availability` event), overbook only through the
// explicit checkbox (force: true), and reschedule an existing appointment. The slots follow
// a live view of the chosen doctor's day, so a booking at another desk removes its slot.

import { $, clear, el, rerender, show } from "./dom.js";
import { clinicDate, clinicTime } from "./clock.js";
import { Draft } from "./drafts.js";
import { clearErrors, showError } from "./forms.js";
import { t } from "./i18n.js";
import { LiveView } from "./live.js";

const RELOAD_DELAY_MS = 150;

export class BookingPanel {
  constructor({ connection, directory }) {
    Object.assign(this, { connection, directory, slots: [], timer: null, wantedDoctor: "" });
    this.form = $("#booking-form");
    this.draft = new Draft(this.form);
    this.dayView = new LiveView(connection, null, {
      onReset: () => this.reloadSlots(), onChange: () => this.reloadSlots(), onSynced: () => this.reloadSlots(),
    });
    const { elements } = this.form;
    elements.date.value = clinicDate();
    elements.doctor_id.addEventListener("change", () => this.watchDay());
    elements.date.addEventListener("change", () => this.watchDay());
    elements.force.addEventListener("change", () => this.renderForce());
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.submit();
    });
    $("#booking-cancel-edit").addEventListener("click", () => this.stopRescheduling());
    directory.onUpdate(() => this.renderPatient());
  }

  restoreDraft() {
    const data = this.draft.restore();
    this.wantedDoctor = data?.doctor_id || this.wantedDoctor;
    this.pendingSlot = data?.slot;
    if (!this.form.elements.date.value) this.form.elements.date.value = clinicDate();
    this.renderDoctors();
    this.renderForce();
    this.renderMode();
    this.renderPatient();
    this.renderSlots();
  }

  relabel() {
    this.renderMode();
    this.renderPatient();
    this.renderSlots();
  }

  renderDoctors() {
    const select = this.form.elements.doctor_id;
    const chosen = select.value || this.wantedDoctor;
    clear(select).append(el("option", { value: "" }, t("booking.chooseDoctor")));
    for (const d of this.directory.doctors()) {
      select.append(el("option", { value: d.id }, `${d.first_name} ${d.last_name} · ${d.specialty}`));
    }
    select.value = chosen;
    if (select.value === chosen && chosen) this.wantedDoctor = "";
    this.watchDay();
  }

  setPatient(patient) {
    this.form.elements.patient_id.value = patient.id;
    this.draft.save();
    this.renderPatient();
    this.form.elements.doctor_id.focus();
  }

  renderPatient() {
    const id = this.form.elements.patient_id.value;
    const target = $("#booking-patient");
    target.dataset.i18n = id ? "" : "booking.noPatient";
    target.textContent = id ? this.directory.patientName(id) : t("booking.noPatient");
  }

  renderForce() {
    show($("#force-time-field"), this.form.elements.force.checked);
  }

  watchDay() {
    const { doctor_id: doctor, date } = this.form.elements;
    const filter = doctor.value && date.value ? { doctor_id: doctor.value, date: date.value } : null;
    const current = this.dayView.filter;
    if (current?.doctor_id === filter?.doctor_id && current?.date === filter?.date) return;
    this.dayView.setFilter(filter);
    if (!filter) {
      this.slots = [];
      this.renderSlots();
    }
  }

  reloadSlots() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loadSlots(), RELOAD_DELAY_MS);
  }

  async loadSlots() {
    const filter = this.dayView.filter;
    if (!filter) return;
    try {
      const slots = await this.connection.ask("availability", filter);
      if (filter !== this.dayView.filter) return;
      this.slots = slots;
      this.slotError = null;
    } catch (error) {
      this.slots = [];
      this.slotError = error;
    }
    this.renderSlots();
  }

  renderSlots() {
    const status = $("#slot-status");
    if (this.slotError) status.textContent = t(`error.${this.slotError.code}`, {}, "error.generic");
    else if (!this.dayView.filter) status.textContent = t("booking.chooseDoctorFirst");
    else status.textContent = this.slots.length ? t("booking.slotCount", { count: this.slots.length }) : t("booking.noSlots");
    const checked = this.form.querySelector("input[name=slot]:checked")?.value || this.pendingSlot;
    rerender($("#slot-list"), (list) => {
      for (const [i, slot] of this.slots.entries()) {
        const id = `slot-${i}`;
        list.append(el("span", { class: "slot" },
          el("input", { type: "radio", name: "slot", id, value: slot.start, checked: slot.start === checked,
            dataset: { focusKey: slot.start } }),
          el("label", { for: id }, clinicTime(slot.start))));
      }
    });
  }

  startRescheduling(appointment) {
    const { elements } = this.form;
    elements.appointment_id.value = appointment.id;
    elements.appointment_version.value = appointment.version;
    elements.patient_id.value = appointment.patient_id;
    elements.doctor_id.value = appointment.doctor_id;
    elements.date.value = clinicDate(new Date(appointment.start));
    elements.reason.value = appointment.reason;
    this.draft.save();
    this.renderMode();
    this.renderPatient();
    this.watchDay();
    elements.doctor_id.focus();
  }

  stopRescheduling() {
    this.form.elements.appointment_id.value = "";
    this.form.elements.appointment_version.value = "";
    this.draft.save();
    this.renderMode();
  }

  renderMode() {
    const id = this.form.elements.appointment_id.value;
    const mode = $("#booking-mode");
    mode.textContent = id ? t("booking.rescheduling", { name: this.directory.patientName(this.form.elements.patient_id.value) }) : "";
    show(mode, Boolean(id));
    show($("#booking-cancel-edit"), Boolean(id));
    const submit = $("#booking-submit");
    submit.dataset.i18n = id ? "booking.submitReschedule" : "booking.submit";
    submit.textContent = t(submit.dataset.i18n);
  }

  chosenStart() {
    const { elements } = this.form;
    if (elements.force.checked) return elements.time.value ? `${elements.date.value}T${elements.time.value}:00` : "";
    return this.form.querySelector("input[name=slot]:checked")?.value || "";
  }

  validate() {
    const { elements } = this.form;
    if (!elements.patient_id.value) return "booking.needPatient";
    if (!elements.doctor_id.value) return "booking.needDoctor";
    if (!this.chosenStart()) return elements.force.checked ? "booking.needTime" : "booking.needSlot";
    if (!elements.reason.value.trim()) return "booking.needReason";
    return null;
  }

  async submit() {
    clearErrors(this.form);
    $("#booking-status").textContent = "";
    const problem = this.validate();
    if (problem) {
      $("#booking-error").textContent = t(problem);
      return;
    }
    const { elements } = this.form;
    const data = { doctor_id: elements.doctor_id.value, start: this.chosenStart(), reason: elements.reason.value.trim() };
    if (elements.force.checked) data.force = true;
    const id = elements.appointment_id.value;
    try {
      const saved = id
        ? await this.connection.ask("update", { id, data, version: Number(elements.appointment_version.value) })
        : await this.connection.ask("create", { ...data, patient_id: elements.patient_id.value });
      this.booked(saved, Boolean(id));
    } catch (error) {
      showError(this.form, error);
      this.reloadSlots();
    }
  }

  booked(saved, rescheduled) {
    const { elements } = this.form;
    const key = rescheduled ? "booking.rescheduled" : "booking.booked";
    $("#booking-status").textContent = t(key, {
      time: clinicTime(saved.start), doctor: this.directory.doctorName(saved.doctor_id),
      name: this.directory.patientName(saved.patient_id),
    });
    elements.reason.value = "";
    elements.force.checked = false;
    elements.time.value = "";
    elements.appointment_id.value = "";
    elements.appointment_version.value = "";
    this.pendingSlot = null;
    this.draft.clear();
    this.renderForce();
    this.renderMode();
    this.reloadSlots();
  }
}
