// Automatic logoff of staff screens (HUB_STAFF_IDLE_MINUTES, sent with the login answer as
// `idle_logoff_minutes`). Any key, click, touch or scroll counts as activity. The limit is
// kept in sessionStorage beside the token, so a reload keeps it. Display screens never use it.

const LIMIT_KEY = "clinicHub.idleMinutes";
const ACTIVITY = ["keydown", "pointerdown", "wheel", "touchstart"];
const CHECK_MS = 5000;

export const idleLimit = {
  get: () => Number(sessionStorage.getItem(LIMIT_KEY)) || 0,
  set: (minutes) => (minutes ? sessionStorage.setItem(LIMIT_KEY, String(minutes)) : sessionStorage.removeItem(LIMIT_KEY)),
};

export class IdleTimer {
  // onIdle() runs once when nothing happened for the limit; start() arms it again.
  constructor(onIdle) {
    this.onIdle = onIdle;
    this.last = Date.now();
    this.timer = null;
    const touch = () => { this.last = Date.now(); };
    for (const name of ACTIVITY) document.addEventListener(name, touch, { capture: true, passive: true });
  }

  start() {
    this.stop();
    this.last = Date.now();
    if (!idleLimit.get()) return;
    this.timer = setInterval(() => this.check(), CHECK_MS);
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
  }

  check() {
    const limit = idleLimit.get() * 60000;
    if (!limit || Date.now() - this.last < limit) return;
    this.stop();
    this.onIdle();
  }
}
