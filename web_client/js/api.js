// REST: login (POST /auth/login, JSON) and authenticated helpers. A staff token lives in
// sessionStorage: it survives a reload of the tab but not closing it, and other tabs do not
// share it.

const TOKEN_KEY = "clinicHub.token";
const AUTH_CODES = new Set(["missing_token", "invalid_token", "token_expired", "unauthorized"]);

export class HubError extends Error {
  constructor(error, status = 0) {
    super(error?.message || error?.code || "error");
    this.code = error?.code || "internal";
    this.fields = error?.fields || {};
    this.details = error || {};
    this.status = status;
  }

  get isAuth() {
    return AUTH_CODES.has(this.code);
  }
}

export const staffToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let onAuthLost = () => {};
export function whenAuthLost(handler) {
  onAuthLost = handler;
}

async function send(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new HubError({ code: "offline" });
  }
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) throw new HubError(payload.error || { code: "http_error" }, response.status);
  return payload;
}

export async function login(email, password) {
  const answer = await send("POST", "/auth/login", { email, password });
  staffToken.set(answer.access_token);
  return answer;
}

// An authenticated request; a 401 ends the session (the page shows the login form again).
export async function request(method, path, body) {
  try {
    return await send(method, path, body, staffToken.get());
  } catch (error) {
    if (error.status === 401) onAuthLost(error.code);
    throw error;
  }
}

export const me = () => request("GET", "/auth/me");
