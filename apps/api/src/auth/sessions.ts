// Server-side state of single sign-on, in this instance's memory: sign-ins in progress (state,
// nonce and PKCE verifier, bound to the browser that started them) and sessions (who signed in,
// their scopes, their CSRF token). The browser holds only random references in cookies. Session
// ids are kept as their SHA-256 digest, so the store itself holds nothing a browser could
// present. Both maps are bounded: sign-ins are started without authentication.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Scope } from '#config';
import type { Clock } from '#core';

/** A sign-in lasts this long between /auth/login and /auth/callback. */
export const SIGN_IN_TTL_MS = 10 * 60_000;
const MAX_SIGN_INS = 10_000;
const MAX_SESSIONS = 100_000;

export interface SignIn {
  /** The random value of the browser's sign-in cookie: the callback must come from the same browser. */
  readonly browser: string;
  readonly nonce: string;
  readonly verifier: string;
  /** Where the person was (a path of the UI, its hash included). */
  readonly returnTo: string;
  readonly expiresAt: number;
}

export interface Person {
  /** Recorded as the actor of what they do: their e-mail, else their user name, else the subject. */
  readonly actor: string;
  /** Shown in the UI. */
  readonly name: string;
  readonly email: string | undefined;
  readonly subject: string;
  readonly groups: readonly string[];
}

export interface Session {
  readonly person: Person;
  readonly scopes: readonly Scope[];
  /** Sent back in X-CSRF-Token with every write made with this session. */
  readonly csrfToken: string;
  /** For the provider's end-session endpoint (id_token_hint). */
  readonly idToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export type SessionLookup =
  | { readonly ok: true; readonly session: Session }
  | { readonly ok: false; readonly reason: 'unknown' | 'expired' };

export const randomId = (bytes = 32) => randomBytes(bytes).toString('base64url');
const digest = (id: string) => createHash('sha256').update(id).digest('base64url');

export class SsoStore {
  private readonly signIns = new Map<string, SignIn>();
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  /** Remembers a sign-in under its state (a random value the provider hands back). */
  startSignIn(state: string, signIn: Omit<SignIn, 'expiresAt'>): void {
    const now = this.clock.now();
    prune(this.signIns, now);
    evictOldest(this.signIns, MAX_SIGN_INS);
    this.signIns.set(state, { ...signIn, expiresAt: now + SIGN_IN_TTL_MS });
  }

  /** The sign-in of this state, used up: a state is good for one callback. */
  takeSignIn(state: string): SignIn | undefined {
    const signIn = this.signIns.get(state);
    this.signIns.delete(state);
    return signIn && signIn.expiresAt > this.clock.now() ? signIn : undefined;
  }

  /** Creates a session; answers the id the browser's cookie carries. */
  createSession(
    session: Omit<Session, 'createdAt' | 'expiresAt' | 'csrfToken'>,
    ttlMs: number,
  ): {
    id: string;
    session: Session;
  } {
    const now = this.clock.now();
    prune(this.sessions, now);
    evictOldest(this.sessions, MAX_SESSIONS);
    const id = randomId();
    const created: Session = { ...session, csrfToken: randomId(), createdAt: now, expiresAt: now + ttlMs };
    this.sessions.set(digest(id), created);
    return { id, session: created };
  }

  session(id: string): SessionLookup {
    const key = digest(id);
    const session = this.sessions.get(key);
    if (!session) return { ok: false, reason: 'unknown' };
    if (session.expiresAt <= this.clock.now()) {
      this.sessions.delete(key);
      return { ok: false, reason: 'expired' };
    }
    return { ok: true, session };
  }

  /** Ends a session; answers it (for the provider's sign-out) if it was live. */
  endSession(id: string): Session | undefined {
    const key = digest(id);
    const session = this.sessions.get(key);
    this.sessions.delete(key);
    return session;
  }
}

/** Whether `given` is the session's CSRF token (compared in constant time). */
export function csrfMatches(session: Session, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function prune(map: Map<string, { expiresAt: number }>, now: number): void {
  for (const [key, value] of map) if (value.expiresAt <= now) map.delete(key);
}

/** Insertion order is age order: the oldest go first when the map is full. */
function evictOldest(map: Map<string, unknown>, max: number): void {
  for (const key of map.keys()) {
    if (map.size < max) return;
    map.delete(key);
  }
}
