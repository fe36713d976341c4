// Names for ids: patients fetched on demand through /patients `get` (refreshed when older than
// a minute, so an edit made at another desk shows soon), doctors from a live /doctors view.

const FRESH_MS = 60_000;
// The hub limits each socket's events (HUB_SOCKET_BURST 40, HUB_SOCKET_RATE_PER_SECOND 20)
// and drops a socket that keeps going over. A day's agenda can name 100+ patients, so the
// lookups go out in a burst that fits, then at a pace under the rate; a refused one waits
// the hub's retry_after and goes again.
const BURST = 25;
const SPACING_MS = 70;
const REFILL_MS = 2_000;

export class Directory {
  constructor(patients, doctorsView = null) {
    this.patientsConnection = patients;
    this.doctorsView = doctorsView;
    this.patients = new Map(); // id -> {record, at}
    this.pending = new Set();
    this.listeners = new Set();
    this.queue = [];
    this.draining = false;
    this.sent = 0; // lookups of the current run: the first BURST go at once
    this.idleSince = 0;
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
    this.queue.push(id);
    this.drain();
  }

  drain() {
    if (this.draining) return;
    this.draining = true;
    if (Date.now() - this.idleSince > REFILL_MS) this.sent = 0; // the hub's bucket is full again
    const next = () => {
      const id = this.queue.shift();
      if (id === undefined) {
        this.draining = false;
        this.idleSince = Date.now();
        return;
      }
      this.sent += 1;
      this.lookup(id);
      setTimeout(next, this.sent <= BURST ? 0 : SPACING_MS);
    };
    next();
  }

  lookup(id) {
    this.patientsConnection.ask("get", { id })
      .then((patient) => {
        this.remember(patient);
        this.pending.delete(id);
        for (const listener of this.listeners) listener();
      })
      .catch((error) => {
        if (error.code !== "rate_limited") return this.pending.delete(id);
        setTimeout(() => {
          this.queue.push(id);
          this.drain();
        }, (error.details.retry_after || 1) * 1000);
      });
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
