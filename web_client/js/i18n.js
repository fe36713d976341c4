// Every UI string, in Spanish (the default) and English. The choice is kept in localStorage.
// Static text carries data-i18n="key"; code calls t("key", {params}). An entry is a string
// with {placeholders} or a function of the params (plurals).

const STORAGE_KEY = "clinicHub.lang";
export const LANGUAGES = { es: "Español", en: "English" };

const plural = (one, many) => ({ count }) => (count === 1 ? one : many).replace("{count}", count);
// An invalid_transition answer names the state the appointment is in, or (check-in on
// another day) the appointment's day.
const transition = (text, dayText) => ({ current, day }) => (day
  ? dayText.replace("{day}", day)
  : text.replace("{current}", t(`status.${current}`, {}, null) || current));

const es = {
  "common.skip": "Saltar al contenido",
  "common.logout": "Cerrar sesión",
  "common.language": "Idioma",
  "common.close": "Cerrar",
  "common.loading": "Cargando…",

  "landing.title": "Clinic Hub",
  "landing.heading": "Clinic Hub",
  "landing.intro": "Elija la pantalla de este puesto.",
  "landing.reception": "Recepción",
  "landing.receptionText": "Pacientes, citas, agenda del día y check-in.",
  "landing.doctor": "Consulta",
  "landing.doctorText": "La agenda de hoy del médico, la sala de espera y la historia clínica.",
  "landing.display": "Pantalla de sala de espera",
  "landing.displayText": "Para la pantalla de la sala: ábrala con su token de pantalla (/display#token=…).",

  "connection.online": "Conectado",
  "connection.offline": "Sin conexión",
  "connection.connecting": "Conectando…",
  "connection.ended": "Sesión terminada",
  "connection.banner": "Sin conexión desde las {time}. Reintentando; los datos se pondrán al día solos.",

  "login.heading": "Iniciar sesión",
  "login.email": "Correo electrónico",
  "login.password": "Contraseña",
  "login.submit": "Entrar",
  "login.expired": "Su sesión ha caducado. Vuelva a iniciar sesión: lo que estaba escribiendo se conserva.",
  "login.revoked": "Su cuenta ha cambiado. Vuelva a iniciar sesión: lo que estaba escribiendo se conserva.",
  "login.idle": "Sesión cerrada por inactividad. Vuelva a iniciar sesión: lo que estaba escribiendo se conserva.",
  "login.forbidden": "Esta cuenta no puede usar esta pantalla.",
  "login.offline": "No se puede contactar con el servidor. Inicie sesión cuando vuelva la conexión.",
  "login.wrongRole": "Esta cuenta no puede usar esta pantalla.",

  "reception.title": "Recepción · Clinic Hub",
  "reception.heading": "Recepción",

  "patients.heading": "Pacientes",
  "patients.search": "Buscar paciente (nombre, apellidos o DNI/NIE)",
  "patients.searchButton": "Buscar",
  "patients.found": plural("1 paciente encontrado", "{count} pacientes encontrados"),
  "patients.none": "Ningún paciente coincide.",
  "patients.choose": "Elegir para cita",
  "patients.chooseFor": "Elegir para cita: {name}",
  "patients.edit": "Editar",
  "patients.editFor": "Editar: {name}",
  "patients.new": "Nuevo paciente",
  "patients.editing": "Editar paciente",
  "patients.clear": "Nuevo paciente",
  "patients.save": "Guardar paciente",
  "patients.saved": "Paciente guardado: {name}.",
  "patients.national_id": "DNI/NIE",
  "patients.first_name": "Nombre",
  "patients.last_name": "Apellidos",
  "patients.birth_date": "Fecha de nacimiento",
  "patients.gender": "Sexo",
  "patients.phone": "Teléfono",
  "patients.email": "Correo electrónico",
  "patients.address": "Dirección",
  "gender.none": "—",
  "gender.female": "Mujer",
  "gender.male": "Hombre",
  "gender.other": "Otro",
  "gender.undisclosed": "Prefiere no decirlo",

  "booking.heading": "Reservar cita",
  "booking.patient": "Paciente",
  "booking.noPatient": "elija un paciente en la búsqueda",
  "booking.doctor": "Médico",
  "booking.chooseDoctor": "Elija un médico",
  "booking.date": "Fecha",
  "booking.slots": "Huecos libres",
  "booking.chooseDoctorFirst": "Elija un médico y una fecha para ver sus huecos libres.",
  "booking.slotCount": plural("1 hueco libre.", "{count} huecos libres."),
  "booking.noSlots": "No quedan huecos libres ese día.",
  "booking.force": "Sobrecita: reservar aunque no haya hueco libre",
  "booking.time": "Hora de la sobrecita",
  "booking.reason": "Motivo",
  "booking.submit": "Reservar",
  "booking.submitReschedule": "Guardar el cambio de cita",
  "booking.stopReschedule": "Dejar de reprogramar",
  "booking.rescheduling": "Reprogramando la cita de {name}: elija el nuevo médico, día y hueco.",
  "booking.booked": "Cita reservada: {name}, {time}, {doctor}.",
  "booking.rescheduled": "Cita cambiada: {name}, {time}, {doctor}.",
  "booking.needPatient": "Elija primero un paciente en la búsqueda.",
  "booking.needDoctor": "Elija un médico.",
  "booking.needSlot": "Elija un hueco libre (o marque sobrecita).",
  "booking.needTime": "Indique la hora de la sobrecita.",
  "booking.needReason": "Indique el motivo de la cita.",

  "agenda.heading": "Agenda del día",
  "agenda.date": "Fecha",
  "agenda.doctor": "Médico",
  "agenda.allDoctors": "Todos los médicos",
  "agenda.caption": "Citas del {date}",
  "agenda.time": "Hora",
  "agenda.doctorColumn": "Médico",
  "agenda.patient": "Paciente",
  "agenda.reason": "Motivo",
  "agenda.status": "Estado",
  "agenda.ticket": "Ticket",
  "agenda.actions": "Acciones",
  "agenda.empty": "No hay citas.",
  "agenda.forced": "(sobrecita)",
  "agenda.checkIn": "Check-in",
  "agenda.checkInFor": "Check-in: {name}, {time}",
  "agenda.reschedule": "Reprogramar",
  "agenda.rescheduleFor": "Reprogramar: {name}, {time}",
  "agenda.cancel": "Cancelar",
  "agenda.cancelFor": "Cancelar: {name}, {time}",
  "agenda.confirmCancel": "Sí, cancelar la cita",
  "agenda.confirmCancelFor": "Sí, cancelar la cita: {name}, {time}",
  "agenda.keep": "No, mantenerla",
  "agenda.keepFor": "No, mantenerla: {name}, {time}",
  "agenda.ticketFor": "Entregue este ticket a {name}:",
  "agenda.ticketRoom": "Sala: {room}",

  "status.scheduled": "Citado",
  "status.checked_in": "En espera",
  "status.called": "Llamado",
  "status.in_progress": "En consulta",
  "status.completed": "Atendido",
  "status.cancelled": "Cancelada",
  "status.no_show": "No se presentó",

  "doctor.title": "Consulta · Clinic Hub",
  "doctor.heading": "Consulta",
  "doctor.current": "En consulta",
  "doctor.nobodyCurrent": "No hay ningún paciente llamado.",
  "doctor.waiting": "Sala de espera",
  "doctor.callNext": "Llamar al siguiente",
  "doctor.called": "Llamado: {ticket}, {name}.",
  "doctor.nobodyWaiting": "Nadie en espera.",
  "doctor.appointmentAt": "cita a las {time}",
  "doctor.today": "Agenda de hoy",
  "doctor.recalls": plural("(1 rellamada)", "({count} rellamadas)"),
  "doctor.history": "Historia",
  "doctor.historyFor": "Historia: {name}",
  "doctor.noShow": "No se presentó",
  "doctor.noShowFor": "No se presentó: {name}",
  "doctor.recall": "Volver a llamar",
  "doctor.recallFor": "Volver a llamar: {ticket}",
  "doctor.start": "Empezar consulta",
  "doctor.startFor": "Empezar consulta: {name}",
  "doctor.complete": "Terminar consulta",
  "doctor.completeFor": "Terminar consulta: {name}",

  "history.heading": "Historia clínica",
  "history.choose": "Elija un paciente de la agenda para ver su historia.",
  "history.emptyText": "Sin antecedentes registrados.",
  "history.edit": "Editar la historia clínica",
  "history.save": "Guardar historia",
  "history.saved": "Historia guardada.",

  "display.title": "Sala de espera · Clinic Hub",
  "display.heading": "Sala de espera",
  "display.calling": "Llamando",
  "display.noCalls": "Espere a que aparezca su ticket.",
  "display.recent": "Llamadas anteriores",
  "display.waiting": "En espera",
  "display.empty": "No hay nadie en espera.",
  "display.enableSound": "Activar sonido",
  "display.announce": "Ticket {ticket}, {room}",
  "display.noToken": "Esta pantalla no tiene token. Ábrala con /display#token=… (clinic-hub display-token).",
  "display.tokenExpired": "El token de esta pantalla ha caducado. Reintentando; pida uno nuevo a administración.",
  "display.tokenInvalid": "El token de esta pantalla no es válido. Reintentando; pida uno nuevo a administración.",
  "display.forbidden": "Este token no puede usar la pantalla de sala de espera.",

  "field.start": "Hora",
  "field.doctor_id": "Médico",
  "field.patient_id": "Paciente",
  "field.duration_minutes": "Duración",
  "field.force": "Sobrecita",
  "field.filter": "Filtro",

  "error.generic": "No se ha podido completar. Inténtelo de nuevo.",
  "error.offline": "Sin conexión: inténtelo cuando vuelva.",
  "error.timeout": "El servidor no ha respondido a tiempo. Inténtelo de nuevo.",
  "error.invalid": "Revise los campos marcados.",
  "error.malformed": "La petición no es válida.",
  "error.not_found": "No existe (quizá otro puesto lo ha borrado).",
  "error.conflict": "Ya existe un registro con esos datos.",
  "error.version_conflict": "Otro puesto ha modificado estos datos. Revíselos y guarde de nuevo.",
  "error.slot_full": "Ese hueco ya está completo. Elija otro o marque sobrecita.",
  "error.invalid_transition": transition("No es posible: la cita está «{current}».",
    "La llegada solo se registra el día de la cita ({day})."),
  "error.forbidden": "Su perfil no permite hacer esto.",
  "error.too_large": "Demasiados datos para un solo envío.",
  "error.unavailable": "El servicio no está disponible en este momento. Inténtelo de nuevo.",
  "error.rate_limited": "Demasiados intentos. Espere un momento.",
  "error.invalid_credentials": "Correo o contraseña incorrectos.",
  "error.token_expired": "Su sesión ha caducado.",
  "error.invalid_token": "Su sesión ha terminado.",
  "error.missing_token": "Inicie sesión.",
  "error.unauthorized": "Inicie sesión.",
  "error.unknown_event": "El servidor aún no admite esta operación.",
  "error.internal": "Error interno del servidor. Inténtelo de nuevo.",

  "server.Missing data for required field.": "Campo obligatorio.",
  "server.Must not be blank.": "No puede estar vacío.",
  "server.Not a valid date.": "No es una fecha válida.",
  "server.Not a valid email address.": "No es un correo válido.",
  "server.Not a phone number.": "No es un teléfono válido.",
  "server.Must be between 1900-01-01 and today.": "Debe estar entre 1900-01-01 y hoy.",
  "server.Not a Spanish DNI (12345678Z) or NIE (X1234567L).": "No es un DNI (12345678Z) ni un NIE (X1234567L).",
  "server.Already taken.": "Ya está registrado.",
};

const en = {
  "common.skip": "Skip to content",
  "common.logout": "Log out",
  "common.language": "Language",
  "common.close": "Close",
  "common.loading": "Loading…",

  "landing.title": "Clinic Hub",
  "landing.heading": "Clinic Hub",
  "landing.intro": "Choose this workstation's screen.",
  "landing.reception": "Reception",
  "landing.receptionText": "Patients, appointments, the day's agenda and check-in.",
  "landing.doctor": "Doctor",
  "landing.doctorText": "The doctor's agenda for today, the waiting list and the medical history.",
  "landing.display": "Waiting-room display",
  "landing.displayText": "For the waiting-room screen: open it with its display token (/display#token=…).",

  "connection.online": "Connected",
  "connection.offline": "No connection",
  "connection.connecting": "Connecting…",
  "connection.ended": "Session ended",
  "connection.banner": "No connection since {time}. Retrying; the data will catch up by itself.",

  "login.heading": "Log in",
  "login.email": "Email",
  "login.password": "Password",
  "login.submit": "Log in",
  "login.expired": "Your session has expired. Log in again: what you were typing is kept.",
  "login.revoked": "Your account has changed. Log in again: what you were typing is kept.",
  "login.idle": "Logged out after a period of inactivity. Log in again: what you were typing is kept.",
  "login.forbidden": "This account may not use this screen.",
  "login.offline": "The server cannot be reached. Log in when the connection is back.",
  "login.wrongRole": "This account may not use this screen.",

  "reception.title": "Reception · Clinic Hub",
  "reception.heading": "Reception",

  "patients.heading": "Patients",
  "patients.search": "Search patients (name, surname or national ID)",
  "patients.searchButton": "Search",
  "patients.found": plural("1 patient found", "{count} patients found"),
  "patients.none": "No patient matches.",
  "patients.choose": "Book for",
  "patients.chooseFor": "Book for: {name}",
  "patients.edit": "Edit",
  "patients.editFor": "Edit: {name}",
  "patients.new": "New patient",
  "patients.editing": "Edit patient",
  "patients.clear": "New patient",
  "patients.save": "Save patient",
  "patients.saved": "Patient saved: {name}.",
  "patients.national_id": "National ID (DNI/NIE)",
  "patients.first_name": "First name",
  "patients.last_name": "Last name",
  "patients.birth_date": "Date of birth",
  "patients.gender": "Gender",
  "patients.phone": "Phone",
  "patients.email": "Email",
  "patients.address": "Address",
  "gender.none": "—",
  "gender.female": "Female",
  "gender.male": "Male",
  "gender.other": "Other",
  "gender.undisclosed": "Prefers not to say",

  "booking.heading": "Book an appointment",
  "booking.patient": "Patient",
  "booking.noPatient": "choose a patient from the search",
  "booking.doctor": "Doctor",
  "booking.chooseDoctor": "Choose a doctor",
  "booking.date": "Date",
  "booking.slots": "Free slots",
  "booking.chooseDoctorFirst": "Choose a doctor and a date to see the free slots.",
  "booking.slotCount": plural("1 free slot.", "{count} free slots."),
  "booking.noSlots": "No free slots left that day.",
  "booking.force": "Overbook: book even without a free slot",
  "booking.time": "Overbooking time",
  "booking.reason": "Reason",
  "booking.submit": "Book",
  "booking.submitReschedule": "Save the new time",
  "booking.stopReschedule": "Stop rescheduling",
  "booking.rescheduling": "Rescheduling {name}'s appointment: choose the new doctor, day and slot.",
  "booking.booked": "Booked: {name}, {time}, {doctor}.",
  "booking.rescheduled": "Rescheduled: {name}, {time}, {doctor}.",
  "booking.needPatient": "First choose a patient from the search.",
  "booking.needDoctor": "Choose a doctor.",
  "booking.needSlot": "Choose a free slot (or tick overbook).",
  "booking.needTime": "Give the overbooking time.",
  "booking.needReason": "Give the reason for the appointment.",

  "agenda.heading": "The day's agenda",
  "agenda.date": "Date",
  "agenda.doctor": "Doctor",
  "agenda.allDoctors": "All doctors",
  "agenda.caption": "Appointments on {date}",
  "agenda.time": "Time",
  "agenda.doctorColumn": "Doctor",
  "agenda.patient": "Patient",
  "agenda.reason": "Reason",
  "agenda.status": "Status",
  "agenda.ticket": "Ticket",
  "agenda.actions": "Actions",
  "agenda.empty": "No appointments.",
  "agenda.forced": "(overbooked)",
  "agenda.checkIn": "Check in",
  "agenda.checkInFor": "Check in: {name}, {time}",
  "agenda.reschedule": "Reschedule",
  "agenda.rescheduleFor": "Reschedule: {name}, {time}",
  "agenda.cancel": "Cancel",
  "agenda.cancelFor": "Cancel: {name}, {time}",
  "agenda.confirmCancel": "Yes, cancel it",
  "agenda.confirmCancelFor": "Yes, cancel it: {name}, {time}",
  "agenda.keep": "No, keep it",
  "agenda.keepFor": "No, keep it: {name}, {time}",
  "agenda.ticketFor": "Hand this ticket to {name}:",
  "agenda.ticketRoom": "Room: {room}",

  "status.scheduled": "Scheduled",
  "status.checked_in": "Waiting",
  "status.called": "Called",
  "status.in_progress": "In consultation",
  "status.completed": "Completed",
  "status.cancelled": "Cancelled",
  "status.no_show": "No-show",

  "doctor.title": "Doctor · Clinic Hub",
  "doctor.heading": "Doctor",
  "doctor.current": "In consultation",
  "doctor.nobodyCurrent": "No patient has been called.",
  "doctor.waiting": "Waiting room",
  "doctor.callNext": "Call next",
  "doctor.called": "Called: {ticket}, {name}.",
  "doctor.nobodyWaiting": "Nobody is waiting.",
  "doctor.appointmentAt": "appointment at {time}",
  "doctor.today": "Today's agenda",
  "doctor.recalls": plural("(recalled once)", "(recalled {count} times)"),
  "doctor.history": "History",
  "doctor.historyFor": "History: {name}",
  "doctor.noShow": "No-show",
  "doctor.noShowFor": "No-show: {name}",
  "doctor.recall": "Call again",
  "doctor.recallFor": "Call again: {ticket}",
  "doctor.start": "Start consultation",
  "doctor.startFor": "Start consultation: {name}",
  "doctor.complete": "Complete consultation",
  "doctor.completeFor": "Complete consultation: {name}",

  "history.heading": "Medical history",
  "history.choose": "Choose a patient in the agenda to see their history.",
  "history.emptyText": "Nothing recorded.",
  "history.edit": "Edit the medical history",
  "history.save": "Save history",
  "history.saved": "History saved.",

  "display.title": "Waiting room · Clinic Hub",
  "display.heading": "Waiting room",
  "display.calling": "Now calling",
  "display.noCalls": "Please wait for your ticket to appear.",
  "display.recent": "Earlier calls",
  "display.waiting": "Waiting",
  "display.empty": "Nobody is waiting.",
  "display.enableSound": "Enable sound",
  "display.announce": "Ticket {ticket}, {room}",
  "display.noToken": "This screen has no token. Open it as /display#token=… (clinic-hub display-token).",
  "display.tokenExpired": "This screen's token has expired. Retrying; ask the office for a new one.",
  "display.tokenInvalid": "This screen's token is not valid. Retrying; ask the office for a new one.",
  "display.forbidden": "This token may not use the waiting-room display.",

  "field.start": "Time",
  "field.doctor_id": "Doctor",
  "field.patient_id": "Patient",
  "field.duration_minutes": "Duration",
  "field.force": "Overbook",
  "field.filter": "Filter",

  "error.generic": "That did not work. Please try again.",
  "error.offline": "No connection: try again when it is back.",
  "error.timeout": "The server did not answer in time. Please try again.",
  "error.invalid": "Check the marked fields.",
  "error.malformed": "The request is not valid.",
  "error.not_found": "It does not exist (another desk may have removed it).",
  "error.conflict": "A record with those details already exists.",
  "error.version_conflict": "Another desk changed this first. Check it and save again.",
  "error.slot_full": "That slot is full. Choose another or tick overbook.",
  "error.invalid_transition": transition("Not possible: the appointment is “{current}”.",
    "Check-in is only possible on the appointment's day ({day})."),
  "error.forbidden": "Your role may not do this.",
  "error.too_large": "Too much data in one message.",
  "error.unavailable": "The service is unavailable right now. Please try again.",
  "error.rate_limited": "Too many attempts. Wait a moment.",
  "error.invalid_credentials": "Wrong email or password.",
  "error.token_expired": "Your session has expired.",
  "error.invalid_token": "Your session has ended.",
  "error.missing_token": "Please log in.",
  "error.unauthorized": "Please log in.",
  "error.unknown_event": "The server does not support this yet.",
  "error.internal": "Internal server error. Please try again.",
};

const DICTIONARIES = { es, en };
const listeners = new Set();

export function language() {
  const chosen = localStorage.getItem(STORAGE_KEY);
  return chosen in DICTIONARIES ? chosen : "es";
}

// t(key, params): the text in the current language. A missing key falls back to `fallback`
// (another key), or returns null when fallback is null, or is reported and shown as the key.
export function t(key, params = {}, fallback = undefined) {
  const text = DICTIONARIES[language()][key] ?? es[key];
  if (text === undefined) {
    if (fallback === null) return null;
    if (fallback) return t(fallback, params);
    console.error(`i18n: no text for ${key}`);
    return key;
  }
  const value = typeof text === "function" ? text(params || {}) : text;
  return value.replace(/\{(\w+)\}/g, (_, name) => String(params?.[name] ?? ""));
}

// Known server validation messages are shown translated; others as the server wrote them.
export function translateServerMessage(message) {
  if (language() === "en") return message;
  return t(`server.${message}`, {}, null) || message;
}

export function applyI18n(root = document) {
  document.documentElement.lang = language();
  for (const node of root.querySelectorAll("[data-i18n]")) {
    if (node.dataset.i18n) node.textContent = t(node.dataset.i18n);
  }
}

export function onLanguageChange(listener) {
  listeners.add(listener);
}

export function setLanguage(code) {
  localStorage.setItem(STORAGE_KEY, code in DICTIONARIES ? code : "es");
  applyI18n(document);
  for (const listener of listeners) listener();
}

// A labelled <select> that switches the language of the page (and of every later visit).
export function mountLanguageSwitch(container) {
  const select = document.createElement("select");
  select.id = "language";
  for (const [code, name] of Object.entries(LANGUAGES)) {
    const option = new Option(name, code, false, code === language());
    option.lang = code;
    select.append(option);
  }
  select.addEventListener("change", () => setLanguage(select.value));
  const label = document.createElement("label");
  label.htmlFor = "language";
  label.className = "language-label";
  label.dataset.i18n = "common.language";
  label.textContent = t("common.language");
  container.replaceChildren(label, select);
}
