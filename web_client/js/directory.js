// Names for ids: patients fetched on demand through /patients `get_many` (refreshed when
// older than a minute, so an edit made at another desk shows soon), doctors from a live
// /doctors view.
//
// The ids a render asks for are gathered and sent as one `get_many` (at most MAX_IDS per
// event), so a day's agenda of 100+ rows costs one or two events, well inside the hub's
// per-socket rate limit. Ids still unnamed when the socket is offline, or whose lookup
// failed, are asked for again when it (re)connects; a rate_limited one after `retry_after`.

const FRESH_MS = 60_000;
const MAX_IDS = 200; // HUB_LIST_MAX_LIMIT's default
const RETRY_MS = 2_000;
const TRANSIENT = new Set(["offline", "timeout", "unavailable", "internal", "rate_limited", "token_expired"]);

export class Directory {
  constructor(patients, doctorsView = null) {
    this.patientsConnection = patients;
    this.doctorsView = doctorsView;
    this.patients = new Map(); // id -> {record, at}
    this.wanted = new Set(); // asked for, not yet sent
    this.inFlight = new Set();
    this.listeners = new Set();
    this.flushQueued = false;
    this.retryTimer = null;
    patients.onConnect(() => this.flush());
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
    if (this.inFlight.has(id) || this.wanted.has(id)) return;
    this.wanted.add(id);
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => { // after the render that asked: one request for all its rows
      this.flushQueued = false;
      this.flush();
    });
  }

  flush() {
    if (!this.patientsConnection.connected || !this.wanted.size) return;
    const ids = [...this.wanted];
    this.wanted.clear();
    for (let start = 0; start < ids.length; start += MAX_IDS) this.lookup(ids.slice(start, start + MAX_IDS));
  }

  lookup(ids) {
    for (const id of ids) this.inFlight.add(id);
    this.patientsConnection.ask("get_many", { ids })
      .then((found) => {
        const at = Date.now();
        for (const id of ids) this.patients.set(id, { record: null, at }); // gone: not asked again for a while
        for (const patient of found) this.remember(patient);
        this.settled(ids);
        for (const listener of this.listeners) listener();
      })
      .catch((error) => {
        this.settled(ids);
        if (!TRANSIENT.has(error.code)) return;
        for (const id of ids) this.wanted.add(id);
        if (error.code === "offline") return; // the next connect flushes
        const wait = error.code === "rate_limited" ? (error.details?.retry_after || 1) * 1000 : RETRY_MS;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.flush(), wait);
      });
  }

  settled(ids) {
    for (const id of ids) this.inFlight.delete(id);
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
