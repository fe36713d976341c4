// Reception: accent-insensitive patient search (/patients `search`), create and edit.

import { $, clear, el } from "./dom.js";
import { Draft } from "./drafts.js";
import { clearErrors, formValues, showError } from "./forms.js";
import { t } from "./i18n.js";

const FIELDS = ["national_id", "first_name", "last_name", "birth_date", "gender", "phone", "email", "address"];
const REQUIRED = new Set(["national_id", "first_name", "last_name", "birth_date"]);
const SEARCH_DELAY_MS = 250;

export class PatientsPanel {
  // onChoose(patient): the patient picked for booking.
  constructor({ connection, directory, onChoose }) {
    Object.assign(this, { connection, directory, onChoose, results: [], timer: null });
    this.form = $("#patient-form");
    this.draft = new Draft(this.form);
    $("#search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      this.search();
    });
    $("#search-q").addEventListener("input", () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.search(true), SEARCH_DELAY_MS);
    });
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.save();
    });
    $("#patient-new").addEventListener("click", () => this.edit(null));
  }

  restoreDraft() {
    this.draft.restore();
    this.renderTitle();
  }

  async search(typing = false) {
    const q = $("#search-q").value.trim();
    const status = $("#search-status");
    if (q.length < (typing ? 2 : 1)) return;
    try {
      this.results = await this.connection.ask("search", { q, limit: 20 });
      for (const patient of this.results) this.directory.remember(patient);
      status.textContent = this.results.length ? t("patients.found", { count: this.results.length }) : t("patients.none");
    } catch (error) {
      this.results = [];
      status.textContent = t(`error.${error.code}`, {}, "error.generic");
    }
    this.renderResults();
  }

  renderResults() {
    const list = clear($("#search-results"));
    for (const p of this.results) {
      const name = `${p.first_name} ${p.last_name}`;
      list.append(el("li", { class: "result", dataset: { patient: p.id } },
        el("span", { class: "result-name" }, name),
        el("span", { class: "muted" }, ` ${p.national_id} · ${p.birth_date}`),
        el("span", { class: "row" },
          el("button", { type: "button", onclick: () => this.onChoose(p), "aria-label": t("patients.chooseFor", { name }) },
            t("patients.choose")),
          el("button", { type: "button", onclick: () => this.edit(p), "aria-label": t("patients.editFor", { name }) },
            t("patients.edit")))));
    }
  }

  edit(patient) {
    clearErrors(this.form);
    $("#patient-form-status").textContent = "";
    this.form.elements.id.value = patient?.id || "";
    this.form.elements.version.value = patient?.version || "";
    for (const name of FIELDS) this.form.elements[name].value = patient?.[name] ?? "";
    this.draft.save();
    this.renderTitle();
    this.form.elements.national_id.focus();
  }

  renderTitle() {
    const editing = Boolean(this.form.elements.id.value);
    const title = $("#patient-form-title");
    title.dataset.i18n = editing ? "patients.editing" : "patients.new";
    title.textContent = t(title.dataset.i18n);
  }

  payload(editing) {
    const values = formValues(this.form, FIELDS);
    const data = {};
    for (const [name, value] of Object.entries(values)) {
      if (value) data[name] = value;
      else if (editing && !REQUIRED.has(name)) data[name] = null; // clears the field
    }
    return data;
  }

  async save() {
    const id = this.form.elements.id.value;
    const version = Number(this.form.elements.version.value) || undefined;
    clearErrors(this.form);
    $("#patient-form-status").textContent = "";
    try {
      const saved = id
        ? await this.connection.ask("update", { id, data: this.payload(true), version })
        : await this.connection.ask("create", this.payload(false));
      this.directory.remember(saved);
      this.edit(saved);
      this.draft.clear();
      $("#patient-form-status").textContent = t("patients.saved", { name: `${saved.first_name} ${saved.last_name}` });
      this.onChoose(saved);
    } catch (error) {
      if (error.code === "version_conflict") return this.reloadAfterConflict(id, error);
      showError(this.form, error);
    }
  }

  // Another desk saved this patient first: take its version, keep what was typed, say so.
  async reloadAfterConflict(id, error) {
    try {
      const current = await this.connection.ask("get", { id });
      this.form.elements.version.value = current.version;
      this.draft.save();
    } catch {
      // keep the stale version; the next save reports again
    }
    showError(this.form, error);
  }
}
