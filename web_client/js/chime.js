// A two-tone chime made with WebAudio oscillators: no audio file, nothing to download.
// Browsers start audio only after a user gesture (unless the kiosk allows autoplay), so the
// display offers a button while the AudioContext is suspended.

let context = null;

function audio() {
  const Context = globalThis.AudioContext || globalThis.webkitAudioContext;
  if (!context && Context) context = new Context();
  return context;
}

export function soundBlocked() {
  const ctx = audio();
  return !ctx || ctx.state !== "running";
}

export async function enableSound() {
  const ctx = audio();
  if (ctx && ctx.state !== "running") await ctx.resume().catch(() => {});
  return !soundBlocked();
}

function tone(ctx, frequency, at, length) {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = "sine";
  oscillator.frequency.setValueAtTime(frequency, at);
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + length);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + length + 0.05);
}

// Plays the chime if sound is allowed; returns whether it played.
export function chime() {
  const ctx = audio();
  if (!ctx || ctx.state !== "running") return false;
  const now = ctx.currentTime;
  tone(ctx, 880, now, 0.6);
  tone(ctx, 660, now + 0.45, 0.9);
  return true;
}
