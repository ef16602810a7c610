// The REST API client and the live incident stream. Two ways in: a person signed in with
// single sign-on (the server's HttpOnly session cookie, which scripts never see; writes carry
// the session's CSRF token), or an access token pasted into the sign-in dialog (machines,
// tests). The token lives in sessionStorage only: it goes with the tab, never to disk for
// longer than the session, and never into a URL (the live stream is opened with a single-use
// ticket; a signed-in browser opens it with its cookie).

const TOKEN_KEY = 'aftershock.token';
const ACTOR_KEY = 'aftershock.actor';

export const auth = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY);
  },
  set(token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    events.dispatchEvent(new CustomEvent('token', { detail: token }));
  },
  /** The person's name, sent with actions so they are attributed to them (else to the token). */
  get actor() {
    return sessionStorage.getItem(ACTOR_KEY);
  },
  setActor(name) {
    // HTTP header values are Latin-1; anything else is dropped rather than failing the request.
    name = String(name ?? '')
      .replace(/[^\x20-\x7e\xa0-\xff]/g, '')
      .trim()
      .slice(0, 200);
    if (name) sessionStorage.setItem(ACTOR_KEY, name);
    else sessionStorage.removeItem(ACTOR_KEY);
  },
  /** What the server says the caller is (GET /api/v1/session): a token's name, or a person. */
  session: null,
  /** Single sign-on, when the server offers it: { provider, login } (GET /auth/methods). */
  sso: null,
  /** Signed in with single sign-on (no token in this tab, a person's session). */
  get viaSso() {
    return !this.token && this.session?.kind === 'person';
  },
  get signedIn() {
    return Boolean(this.token) || this.viaSso;
  },
  async loadMethods() {
    try {
      this.sso = (await request('GET', '/auth/methods', { quiet: true }))?.sso ?? null;
    } catch {
      this.sso = null; // an older server, or none reachable: tokens only
    }
    return this.sso;
  },
  /** Where the provider's sign-in starts; the person comes back to the page they are on. */
  loginUrl() {
    const here = window.location.pathname + window.location.search + window.location.hash;
    return `${this.sso?.login ?? '/auth/login'}?return=${encodeURIComponent(here)}`;
  },
  /** The person's session, if this browser has one (quietly nothing when it has not). */
  async resume() {
    if (this.token || !this.sso) return null;
    try {
      this.session = await request('GET', '/api/v1/session', { quiet: true });
    } catch {
      this.session = null;
    }
    return this.viaSso ? this.session : null;
  },
  async loadSession() {
    this.session = await request('GET', '/api/v1/session');
    events.dispatchEvent(new CustomEvent('session', { detail: this.session }));
    return this.session;
  },
  /** Signs out: forgets the token, or ends the session here and at the provider. */
  async signOut() {
    if (!this.viaSso) return this.clear();
    const { redirect } = await request('POST', '/auth/logout');
    this.session = null;
    window.location.assign(redirect || '/');
  },
  clear(reason) {
    const wasSso = this.viaSso;
    sessionStorage.removeItem(TOKEN_KEY);
    this.session = null;
    events.dispatchEvent(new CustomEvent('auth-required', { detail: reason ? { reason, wasSso } : null }));
  },
};

/** Fires 'auth-required' (detail: reason) when a token is missing or refused, 'token' when set. */
export const events = new EventTarget();

export class ApiError extends Error {
  constructor({ status, code, reason, field, method, path }) {
    super(`${method} ${path} → ${status || 'network error'}${code ? ` ${code}` : ''}: ${reason}`);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.reason = reason;
    this.field = field ?? null;
  }

  /** What to tell a person. */
  get friendly() {
    if (this.status === 0) return `The server could not be reached (${this.reason}).`;
    if (this.status === 403) return `Your token may not do this: ${this.reason}`;
    if (this.status === 404 && this.code === 'route.missing')
      return `The API does not serve this yet: ${this.message}`;
    return `${this.reason}${this.field ? ` (field: ${this.field})` : ''} — ${this.message.split(':')[0]}`;
  }
}

async function request(method, path, { query, body, signal, as = 'json', quiet = false } = {}) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(key, String(value));
  }
  const token = auth.token;
  const headers = { Accept: as === 'json' ? 'application/json' : '*/*' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // Only a token that may act for others names the person; any other acts under its own name.
  if (method !== 'GET' && auth.actor && auth.session?.actsForOthers)
    headers['X-Aftershock-Actor'] = auth.actor;
  // A write made with the sign-in cookie carries the session's CSRF token (see SessionMiddleware).
  if (method !== 'GET' && !token && auth.session?.csrfToken) headers['X-CSRF-Token'] = auth.session.csrfToken;
  const shown = url.pathname + url.search;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, reason: String(error?.message ?? error), method, path: shown });
  }
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const e = json?.error;
    const missingRoute = response.status === 404 && (!e || typeof e !== 'object');
    const error = new ApiError({
      status: response.status,
      code: e?.code ?? (missingRoute ? 'route.missing' : undefined),
      field: e?.field,
      reason:
        e?.reason ??
        (typeof json?.message === 'string' ? json.message : null) ??
        (response.statusText || `HTTP ${response.status}`),
      method,
      path: shown,
    });
    if (response.status === 401 && !quiet) auth.clear(error.reason);
    throw error;
  }
  return as === 'json' ? json : text;
}

export const api = {
  get: (path, query, options) => request('GET', path, { ...options, query }),
  /** A GET whose answer is text (a report in Markdown or HTML), not JSON. */
  text: (path, query, options) => request('GET', path, { ...options, query, as: 'text' }),
  post: (path, body, options) => request('POST', path, { ...options, body: body ?? {} }),
  /** Follows `next` cursors and returns every item (at most maxItems). */
  async all(path, query = {}, { maxItems = 1000, pageSize = 200, signal } = {}) {
    const items = [];
    let cursor;
    do {
      const page = await request('GET', path, {
        query: { ...query, limit: pageSize, cursor },
        signal,
      });
      items.push(...(page?.items ?? []));
      cursor = page?.next ?? null;
    } while (cursor && items.length < maxItems);
    return items;
  },
};

/** Runs fn over items, at most `limit` at a time. */
export async function pool(items, limit, fn) {
  const queue = [...items];
  const workers = Array.from({ length: Math.min(limit, queue.length) }, async () => {
    while (queue.length) await fn(queue.shift());
  });
  await Promise.all(workers);
}

/**
 * The live incident stream (Server-Sent Events). Emits 'incident' (detail: Incident) for each
 * event, 'state' (detail: { state, retryInMs }) on connection changes and 'resync' after a
 * reconnect, when anything sent meanwhile may have been missed. Reconnects with exponential
 * backoff (1 s doubling to 30 s, with jitter) and resets after a good connection.
 */
export class IncidentStream extends EventTarget {
  constructor(path = '/api/v1/stream/incidents') {
    super();
    this.path = path;
    this.source = null;
    this.timer = null;
    this.attempt = 0;
    this.everOpened = false;
    this.state = 'off';
    this.generation = 0;
    this.pending = false;
  }

  start() {
    if (this.source || this.timer || this.pending) return;
    this.connect();
  }

  stop() {
    this.generation++; // a connection being set up is abandoned
    this.pending = false;
    clearTimeout(this.timer);
    this.timer = null;
    this.source?.close();
    this.source = null;
    this.setState('off');
  }

  restart() {
    this.stop();
    this.attempt = 0;
    this.start();
  }

  async connect() {
    this.timer = null;
    if (!auth.signedIn) {
      this.setState('off');
      return;
    }
    this.setState('connecting');
    // A ticket opens the stream once, within seconds: a fresh one for every (re)connection. A
    // signed-in browser needs none: EventSource sends its cookie.
    const generation = this.generation;
    this.pending = true;
    let url = this.path;
    if (!auth.viaSso) {
      try {
        url = (await request('POST', '/api/v1/stream/tickets')).url;
      } catch (error) {
        if (generation !== this.generation) return;
        this.pending = false;
        if (error?.status === 401) return; // auth-required is on its way
        this.retry();
        return;
      }
    }
    if (generation !== this.generation) return; // stopped or restarted meanwhile
    this.pending = false;
    const source = new EventSource(url);
    this.source = source;
    source.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.setState('live');
      if (reconnected) this.dispatchEvent(new CustomEvent('resync'));
    };
    const onData = (event) => this.receive(event.data);
    source.onmessage = onData;
    source.addEventListener('incident', onData);
    source.onerror = () => {
      source.close();
      if (this.source !== source) return;
      this.source = null;
      this.retry();
    };
  }

  retry() {
    const base = Math.min(30_000, 1000 * 2 ** this.attempt);
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.attempt++;
    this.setState('retrying', delay);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  receive(data) {
    let incident;
    try {
      incident = JSON.parse(data);
    } catch {
      return;
    }
    if (incident && typeof incident === 'object' && 'incident' in incident && !('id' in incident))
      incident = incident.incident;
    if (!incident || typeof incident.id !== 'string') return;
    this.dispatchEvent(new CustomEvent('incident', { detail: incident }));
  }

  setState(state, retryInMs) {
    this.state = state;
    this.dispatchEvent(new CustomEvent('state', { detail: { state, retryInMs: retryInMs ?? null } }));
  }
}
