// Names for ids: patients fetched on demand through /patients `get` (refreshed when older than
// a minute, so an edit made at another desk shows soon), doctors from a live /doctors view.

const FRESH_MS = 60_000;

export class Directory {
  constructor(patients, doctorsView = null) {
    this.patientsConnection = patients;
    this.doctorsView = doctorsView;
    this.patients = new Map(); // id -> {record, at}
    this.pending = new Set();
    this.listeners = new Set();
  }

  onUpdate(listener) {
    this.listeners.add(listener);
  }

  remember(patient) {
    this.patients.set(patient.id, { record: patient, at: Date.now() });
  }

  patient(id) {
    const entry = this.patients.get(id);
    if (!entry || Date.now() - entry.at > FRESH_MS) this.fetch(id);
    return entry?.record || null;
  }

  patientName(id) {
    const patient = this.patient(id);
    return patient ? `${patient.first_name} ${patient.last_name}` : "…";
  }

  fetch(id) {
    if (this.pending.has(id) || !this.patientsConnection.connected) return;
    this.pending.add(id);
    this.patientsConnection.ask("get", { id })
      .then((patient) => {
        this.remember(patient);
        for (const listener of this.listeners) listener();
      })
      .catch(() => {})
      .finally(() => this.pending.delete(id));
  }

  doctors() {
    if (!this.doctorsView) return [];
    return [...this.doctorsView.items.values()].sort((a, b) =>
      `${a.last_name} ${a.first_name}`.localeCompare(`${b.last_name} ${b.first_name}`));
  }

  doctorName(id) {
    const doctor = this.doctorsView?.items.get(id);
    return doctor ? `${doctor.first_name} ${doctor.last_name}` : "…";
  }
}
