import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTokens } from '#config';
import { StreamTickets, TICKET_TTL_MS } from './stream-tickets.js';

const SECRET = 'read-token-0123456789abcdef';
const NOW = 1_800_000_000_000;

describe('stream tickets', () => {
  const tokens = parseTokens(`grafana=read:${SECRET},other=read:other-token-0123456789`);
  const tickets = new StreamTickets(tokens);

  it('stand for the token that asked for them, once, and carry no piece of its secret', () => {
    const { ticket, expiresAt } = tickets.issue(tokens[0]!, NOW);
    assert.equal(expiresAt, NOW + TICKET_TTL_MS);
    assert.ok(!ticket.includes(SECRET.slice(0, 8)));
    const first = tickets.redeem(ticket, NOW + 1);
    assert.equal(first.ok && first.token.name, 'grafana');
    assert.deepEqual(tickets.redeem(ticket, NOW + 2), {
      ok: false,
      reason: 'the stream ticket has been used already',
    });
  });

  it('expire, and cannot be forged or moved to another token', () => {
    const { ticket } = tickets.issue(tokens[0]!, NOW);
    assert.match((tickets.redeem(ticket, NOW + TICKET_TTL_MS) as { reason: string }).reason, /expired/);
    const fresh = tickets.issue(tokens[0]!, NOW).ticket;
    const [body, signature] = fresh.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
    const moved = Buffer.from(JSON.stringify({ ...payload, n: 'other' })).toString('base64url');
    const later = Buffer.from(JSON.stringify({ ...payload, e: NOW + 3_600_000 })).toString('base64url');
    for (const forged of [
      `${moved}.${signature}`,
      `${later}.${signature}`,
      `${body}.${signature.startsWith('x') ? 'y' : 'x'}${signature.slice(1)}`, // a signature that starts with x stays itself otherwise
      'x',
      '',
      `${body}`,
      `${fresh}.x`,
    ]) {
      assert.deepEqual(
        tickets.redeem(forged, NOW),
        { ok: false, reason: 'not a stream ticket this server gave out' },
        forged,
      );
    }
    assert.equal(tickets.redeem(fresh, NOW).ok, true, 'the real one still works');
  });

  it('are accepted by another instance with the same tokens, and not after the token is removed', () => {
    const { ticket } = tickets.issue(tokens[0]!, NOW);
    assert.equal(new StreamTickets(parseTokens(`grafana=read:${SECRET}`)).redeem(ticket, NOW).ok, true);
    const rotated = new StreamTickets(parseTokens(`grafana=read:rotated-token-0123456789`));
    assert.equal(rotated.redeem(tickets.issue(tokens[0]!, NOW).ticket, NOW).ok, false);
  });
});
