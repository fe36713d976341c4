// Doctor: one patient's medical history, live (/patients subscribe {id}), and its editor.
// Only the doctor dashboard shows it; reception's views never carry it.

import { $, show } from "./dom.js";
import { Draft } from "./drafts.js";
import { clearErrors, showError } from "./forms.js";
import { t } from "./i18n.js";
import { LiveView } from "./live.js";

export class HistoryPanel {
  constructor({ connection }) {
    this.connection = connection;
    this.form = $("#history-form");
    this.draft = new Draft(this.form);
    this.loaded = null; // the history last put in the editor, to tell edits from updates
    this.view = new LiveView(connection, null, { onReset: () => this.render(), onChange: () => this.render() });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
  }

  restoreDraft() {
    const data = this.draft.restore();
    if (data?.patient_id) {
      this.loaded = data.medical_history ? undefined : null; // a restored edit is kept, not replaced
      this.watch(data.patient_id);
    }
  }

  open(patientId) {
    if (this.form.elements.patient_id.value === patientId && this.view.filter) return;
    this.form.elements.patient_id.value = patientId;
    this.form.elements.medical_history.value = "";
    this.loaded = "";
    clearErrors(this.form);
    $("#history-status").textContent = "";
    this.draft.save();
    this.watch(patientId);
    $("#history-panel").scrollIntoView({ block: "nearest" });
  }

  watch(patientId) {
    this.view.setFilter({ id: patientId });
    this.render();
  }

  render() {
    const id = this.form.elements.patient_id.value;
    const patient = this.view.items.get(id);
    show($("#history-empty"), !id);
    show($("#history-patient"), Boolean(id));
    if (!patient) {
      $("#history-who").textContent = id ? t("common.loading") : "";
      return;
    }
    const history = patient.medical_history || "";
    $("#history-who").textContent = `${patient.first_name} ${patient.last_name} · ${patient.national_id} · ${patient.birth_date}`;
    $("#history-text").textContent = history || t("history.emptyText");
    const editor = this.form.elements.medical_history;
    if (this.loaded === null || editor.value === this.loaded) { // not being edited: follow the record
      editor.value = history;
      this.loaded = history;
      this.form.elements.version.value = patient.version;
      this.draft.save();
    }
  }

  async save() {
    const { patient_id: id, version, medical_history: text } = this.form.elements;
    clearErrors(this.form);
    try {
      const saved = await this.connection.ask("update", {
        id: id.value, data: { medical_history: text.value }, version: Number(version.value),
      });
      this.loaded = saved.medical_history || "";
      version.value = saved.version;
      this.draft.clear();
      $("#history-status").textContent = t("history.saved");
    } catch (error) {
      if (error.code === "version_conflict") version.value = error.details.current_version ?? version.value;
      showError(this.form, error);
    }
  }
}
