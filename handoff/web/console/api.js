// The handoff service's REST API and its WebSocket, as the console uses them.

const TOKEN_KEY = "baton-console:token";

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail);
    this.status = status;
  }
}

export class Api {
  constructor(base = "") {
    this.base = base;
    // sessionStorage: a reload keeps the agent signed in; closing the tab signs out.
    this.token = sessionStorage.getItem(TOKEN_KEY);
    this.onUnauthorized = () => {};
  }

  async login(username, password) {
    const body = await this.request("POST", "/auth/login", { username, password }, false);
    this.token = body.access_token;
    sessionStorage.setItem(TOKEN_KEY, this.token);
    return body;
  }

  logout() {
    this.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
  }

  /** Revoke the token on the server too (POST /auth/logout), then forget it. */
  async signOut() {
    if (this.token) {
      try {
        await this.request("POST", "/auth/logout");
      } catch {
        /* revoked or expired already, or the service is unreachable: forget it anyway */
      }
    }
    this.logout();
  }

  async request(method, path, body, auth = true) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (auth && this.token) headers.Authorization = `Bearer ${this.token}`;
    let response;
    try {
      response = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, "The handoff service cannot be reached. Check your connection.");
    }
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = data && data.detail ? (typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail)) : `HTTP ${response.status}`;
      if (response.status === 401 && auth) {
        this.logout();
        this.onUnauthorized(detail);
      }
      throw new ApiError(response.status, detail);
    }
    return data;
  }

  get(path) { return this.request("GET", path); }
  post(path, body = {}) { return this.request("POST", path, body); }
  put(path, body = {}) { return this.request("PUT", path, body); }
}

/** The live feed: reconnects with backoff, tells the app when it is (dis)connected. */
export class LiveSocket {
  constructor(api, { onMessage, onState }) {
    this.api = api;
    this.onMessage = onMessage;
    this.onState = onState;
    this.delay = 1000;
    this.closed = false;
    this.socket = null;
  }

  open() {
    this.closed = false;
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    // The token goes in the first message, never in the URL (logs and proxies record URLs).
    const socket = new WebSocket(`${scheme}//${location.host}/ws`);
    this.socket = socket;
    socket.onopen = () => {
      socket.send(JSON.stringify({ type: "auth", token: this.api.token || "" }));
      this.delay = 1000;
      this.onState(true);
    };
    socket.onmessage = (event) => {
      try {
        this.onMessage(JSON.parse(event.data));
      } catch {
        /* not JSON: ignore */
      }
    };
    socket.onclose = (event) => {
      this.onState(false);
      if (event.code === 4401) {
        // The server ended the token (expired, signed out, password changed): sign in again.
        this.api.logout();
        this.api.onUnauthorized(event.reason || "the session ended");
        return;
      }
      if (this.closed || !this.api.token) return;
      setTimeout(() => this.open(), this.delay);
      this.delay = Math.min(this.delay * 2, 15000);
    };
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close();
  }
}
