// Clinic time: "today" and "10:00" mean the clinic's zone (HUB_TIMEZONE), whatever the
// browser's zone is. The zone comes from GET /client-settings once per page.

let zone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export async function loadClinicZone() {
  try {
    const response = await fetch("/client-settings", { headers: { Accept: "application/json" } });
    if (response.ok) zone = (await response.json()).timezone || zone;
  } catch {
    // offline at start: keep the browser's zone until the next load
  }
  return zone;
}

export const clinicZone = () => zone;

function parts(date) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  return Object.fromEntries(format.formatToParts(date).map((p) => [p.type, p.value]));
}

// YYYY-MM-DD of `date` (default: now) in the clinic's zone.
export function clinicDate(date = new Date()) {
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day}`;
}

// HH:MM of an ISO datetime (or Date) in the clinic's zone.
export function clinicTime(value) {
  if (!value) return "";
  const p = parts(value instanceof Date ? value : new Date(value));
  return `${p.hour}:${p.minute}`;
}

// Calls `onNewDay(date)` when the clinic's date changes (checked every 30 s and on wake-up).
export function watchDay(onNewDay) {
  let today = clinicDate();
  const check = () => {
    const now = clinicDate();
    if (now !== today) {
      today = now;
      onNewDay(now);
    }
  };
  setInterval(check, 30_000);
  document.addEventListener("visibilitychange", check);
  return () => today;
}

// "jueves, 3 de diciembre de 2026" for a YYYY-MM-DD, in the page's language.
export function longDate(isoDate, language) {
  const [year, month, day] = isoDate.split("-").map(Number);
  const noonUtc = new Date(Date.UTC(year, month - 1, day, 12));
  return new Intl.DateTimeFormat(language, { timeZone: "UTC", weekday: "long", day: "numeric", month: "long", year: "numeric" })
    .format(noonUtc);
}
