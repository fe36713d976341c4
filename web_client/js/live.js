// Live data over Socket.IO, following docs/events.md:
// - one LiveConnection per namespace; `auth` is a function, so every (re)connect sends the
//   token current at that moment;
// - a LiveView is a subscription: snapshot, then `change` events applied in order; it keeps
//   the last cursor and, after a reconnect or a `resync`, subscribes again with it: the
//   answer's `changes` are applied (resumed) or its `items` replace the model.

import { HubError } from "./api.js";

const AUTH_CODES = new Set(["missing_token", "invalid_token", "token_expired", "revoked"]);
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 15000;
const ASK_TIMEOUT_MS = 10000;

export class LiveConnection {
  // token(): the token to connect with; onAuthProblem(code): the session cannot go on with it;
  // onState(state): "connecting" | "online" | "offline" | "ended".
  constructor(namespace, { token, onAuthProblem = () => {}, onState = () => {} }) {
    this.namespace = namespace;
    this.views = new Set();
    this.connectListeners = new Set(); // run on every (re)connect, after the views resubscribe
    this.onAuthProblem = onAuthProblem;
    this.onState = onState;
    this.state = "connecting";
    this.failures = 0;
    this.retryTimer = null;
    this.socket = globalThis.io(namespace, {
      transports: ["websocket"],
      auth: (cb) => cb({ token: token() }),
      reconnectionDelay: 500,
      reconnectionDelayMax: 5000,
      autoConnect: false,
    });
    this.listen();
  }

  listen() {
    const socket = this.socket;
    socket.on("connect", () => {
      this.failures = 0;
      this.setState("online");
      for (const view of this.views) view.resubscribe();
      for (const listener of this.connectListeners) listener();
    });
    socket.on("disconnect", (reason) => {
      if (this.state === "ended") return;
      this.setState("offline");
      // A server-side disconnect (shutdown, rate limit) is not retried by socket.io itself.
      if (reason === "io server disconnect") this.retryLater();
    });
    socket.on("connect_error", (err) => {
      if (socket.active) return this.setState("offline"); // transport: socket.io retries
      const code = err?.data?.code || err?.message;
      if (AUTH_CODES.has(code) || code === "forbidden") return this.end(code);
      this.setState("offline");
      this.retryLater();
    });
    socket.on("session_ended", (data) => {
      if (AUTH_CODES.has(data?.code)) this.end(data.code);
    });
    socket.on("change", (event) => {
      for (const view of this.views) view.receive(event);
    });
    socket.on("resync", (event) => {
      for (const view of this.views) if (view.subscription === event?.subscription) view.resubscribe();
    });
  }

  onConnect(listener) {
    this.connectListeners.add(listener);
  }

  setState(state) {
    this.state = state;
    this.onState(state, this);
  }

  start() {
    clearTimeout(this.retryTimer);
    if (this.state === "ended") this.setState("connecting");
    if (!this.socket.connected && !this.socket.active) this.socket.connect();
  }

  end(code) {
    this.setState("ended");
    this.socket.disconnect();
    this.onAuthProblem(code, this);
  }

  retryLater() {
    clearTimeout(this.retryTimer);
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** this.failures) * (0.75 + Math.random() / 2);
    this.failures += 1;
    this.retryTimer = setTimeout(() => this.start(), delay);
  }

  get connected() {
    return this.socket.connected;
  }

  // Emit with an ack; `done(error, data)` runs synchronously inside the ack, before any
  // later packet is handled (a subscription's id is known before its first change).
  emit(event, payload, done, timeout = ASK_TIMEOUT_MS) {
    if (!this.socket.connected) return done(new HubError({ code: "offline" }));
    const args = payload === undefined ? [] : [payload];
    this.socket.timeout(timeout).emit(event, ...args, (timedOut, envelope) => {
      if (timedOut) return done(new HubError({ code: "timeout" }));
      if (!envelope?.ok) {
        const error = new HubError(envelope?.error);
        if (error.code === "invalid_token") this.end(error.code);
        return done(error);
      }
      return done(null, envelope.data);
    });
  }

  ask(event, payload, timeout) {
    return new Promise((resolve, reject) => {
      this.emit(event, payload, (error, data) => (error ? reject(error) : resolve(data)), timeout);
    });
  }
}

export class LiveView {
  // filter: subscribe keys (null: nothing yet); handlers: onReset(view), onChange(event, {resumed}, view),
  // onSynced(view), onError(error, view).
  constructor(connection, filter, handlers = {}) {
    this.connection = connection;
    this.filter = filter;
    this.handlers = handlers;
    this.items = new Map();
    this.cursor = null;
    this.subscription = null;
    this.synced = false;
    this.retryTimer = null;
    connection.views.add(this);
    if (connection.connected) this.resubscribe();
  }

  call(name, ...args) {
    const handler = this.handlers[name];
    if (handler) handler(...args, this);
  }

  setFilter(filter) {
    if (this.subscription && this.connection.connected) {
      this.connection.emit("unsubscribe", { subscription: this.subscription }, () => {});
    }
    Object.assign(this, { filter, cursor: null, subscription: null, synced: false, items: new Map() });
    this.call("onReset");
    if (this.connection.connected) this.resubscribe();
  }

  resubscribe() {
    clearTimeout(this.retryTimer);
    const filter = this.filter;
    if (!filter) return; // not subscribed to anything yet
    const payload = this.cursor ? { ...filter, cursor: this.cursor } : { ...filter };
    this.connection.emit("subscribe", payload, (error, data) => {
      if (filter !== this.filter) return; // the filter changed while we waited
      if (error) return this.failed(error);
      this.subscription = data.subscription;
      if (data.resumed) {
        for (const event of data.changes) {
          this.apply(event);
          this.call("onChange", event, { resumed: true });
        }
      } else {
        this.items = new Map(data.items.map((item) => [item.id, item]));
        this.call("onReset");
      }
      this.cursor = data.cursor;
      this.synced = true;
      this.call("onSynced");
    });
  }

  failed(error) {
    this.call("onError", error);
    if (["unavailable", "timeout", "internal"].includes(error.code)) {
      this.retryTimer = setTimeout(() => this.connection.connected && this.resubscribe(), 2000);
    }
  }

  receive(event) {
    if (!event || event.subscription !== this.subscription) return;
    this.apply(event);
    this.call("onChange", event, { resumed: false });
  }

  apply(event) {
    if (event.type === "remove") this.items.delete(event.id);
    else this.items.set(event.id, event.data);
    this.cursor = event.cursor;
  }

  close() {
    clearTimeout(this.retryTimer);
    if (this.subscription && this.connection.connected) {
      this.connection.emit("unsubscribe", { subscription: this.subscription }, () => {});
    }
    this.connection.views.delete(this);
  }
}
