// Stream tickets: EventSource cannot send an Authorization header, and a token in a URL ends up
// in proxy and server logs. So a client with a read token asks for a ticket
// (POST /api/v1/stream/tickets) and opens the stream with `?ticket=`. A ticket opens the live
// stream and nothing else, lasts 30 seconds, and is used once (per api instance).
// Tickets are signed, not stored: `<payload>.<HMAC>` keyed by a key derived from the token's
// digest, so any api instance configured with the same tokens accepts a ticket another issued,
// and a ticket dies with its token (removed from AFTERSHOCK_TOKENS or expired).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AccessToken } from '#config';
import { ACCESS_TOKENS } from '#platform';

export const TICKET_TTL_MS = 30_000;

export interface StreamTicket {
  readonly ticket: string;
  readonly expiresAt: number;
}

export type TicketCheck =
  { readonly ok: true; readonly token: AccessToken } | { readonly ok: false; readonly reason: string };

interface Payload {
  /** The token's name. */
  readonly n: string;
  /** Expiry, epoch ms (wall clock). */
  readonly e: number;
  /** Nonce: what makes the ticket single-use. */
  readonly r: string;
}

// Tickets live in real time (seconds), whatever clock drives event time (the demo simulates one).
const wallClock = () => Date.now();

@Injectable()
export class StreamTickets {
  private readonly keys = new Map<string, Buffer>();
  /** Nonces already used, with their expiry; pruned as tickets expire. */
  private readonly used = new Map<string, number>();

  constructor(@Inject(ACCESS_TOKENS) private readonly tokens: readonly AccessToken[]) {
    for (const token of tokens) {
      this.keys.set(
        token.name,
        createHmac('sha256', token.digest).update('aftershock stream ticket v1').digest(),
      );
    }
  }

  /** Whether tickets can be issued to this token (a configured one; a sign-in uses its cookie). */
  issues(token: AccessToken): boolean {
    return this.keys.has(token.name) && this.tokens.includes(token);
  }

  issue(token: AccessToken, now = wallClock()): StreamTicket {
    const payload: Payload = {
      n: token.name,
      e: now + TICKET_TTL_MS,
      r: randomBytes(12).toString('base64url'),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return { ticket: `${body}.${this.sign(token.name, body).toString('base64url')}`, expiresAt: payload.e };
  }

  /** Checks a ticket and uses it up; says why when it cannot open the stream. */
  redeem(ticket: string, now = wallClock()): TicketCheck {
    const [body, signature, ...rest] = ticket.split('.');
    let payload: Payload | undefined;
    try {
      payload =
        rest.length === 0 && body && signature
          ? (JSON.parse(Buffer.from(body, 'base64url').toString()) as Payload)
          : undefined;
    } catch {
      payload = undefined;
    }
    const token = typeof payload?.n === 'string' ? this.tokens.find((t) => t.name === payload.n) : undefined;
    const expected = token ? this.sign(token.name, body!) : undefined;
    const given = Buffer.from(signature ?? '', 'base64url');
    if (
      !payload ||
      !token ||
      !expected ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      return { ok: false, reason: 'not a stream ticket this server gave out' };
    }
    if (typeof payload.e !== 'number' || payload.e <= now) {
      return { ok: false, reason: `the stream ticket has expired (tickets last ${TICKET_TTL_MS / 1000} s)` };
    }
    this.prune(now);
    if (this.used.has(payload.r)) return { ok: false, reason: 'the stream ticket has been used already' };
    this.used.set(payload.r, payload.e);
    return { ok: true, token };
  }

  private sign(name: string, body: string): Buffer {
    return createHmac('sha256', this.keys.get(name)!).update(body).digest();
  }

  private prune(now: number): void {
    for (const [nonce, expiresAt] of this.used) if (expiresAt <= now) this.used.delete(nonce);
  }
}
