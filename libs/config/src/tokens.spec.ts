import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from './settings.js';
import { bearerSecret, checkToken, hasScope, parseTokens } from './tokens.js';

const SECRET = 'write-token-0123456789abcdef';

describe('access tokens', () => {
  it('carry the name configured with them; without one, their place in the list — never a piece of the secret', () => {
    const [named, unnamed] = parseTokens(`ci-gate=read+write:${SECRET},read:another-secret-0123456789`);
    assert.equal(named!.name, 'ci-gate');
    assert.deepEqual([...named!.scopes], ['read', 'write']);
    assert.equal(unnamed!.name, 'token-2');
    for (const token of [named!, unnamed!]) {
      assert.ok(!JSON.stringify({ ...token, digest: undefined }).includes('writ'), 'no piece of the secret');
    }
  });

  it('refuse a bad name, a name given twice and an unknown scope, naming the entry', () => {
    const problem = (spec: string) => {
      try {
        parseTokens(spec);
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.message;
      }
      assert.fail(`${spec} was accepted`);
    };
    assert.match(problem(`bad name=read:${SECRET}`), /entry 1: expected \[<name>=\]/);
    assert.match(problem(`-x=read:${SECRET}`), /entry 1: the name "-x" is not/);
    assert.match(
      problem(`ops=read:${SECRET},ops=write:another-secret-0123456789`),
      /"ops" is given to two tokens/,
    );
    assert.match(problem(`ops=root:${SECRET}`), /unknown scope "root"/);
  });

  it('the delegate scope (act for others) is granted explicitly or by admin', () => {
    const [plain, delegate, admin] = parseTokens(
      `a=read+write:${SECRET}1,b=write+delegate:${SECRET}2,c=admin:${SECRET}3`,
    );
    assert.deepEqual(
      [plain!, delegate!, admin!].map((t) => hasScope(t, 'delegate')),
      [false, true, true],
    );
  });

  it('take the bearer scheme in any case (RFC 7235) and nothing else', () => {
    for (const header of [
      `Bearer ${SECRET}`,
      `bearer ${SECRET}`,
      `BEARER  ${SECRET}`,
      `BeArEr\t${SECRET} `,
    ]) {
      assert.equal(bearerSecret(header), SECRET, header);
    }
    for (const header of [undefined, '', 'Bearer', `Basic ${SECRET}`, `Bearer${SECRET}`, `Bearer a b`]) {
      assert.equal(bearerSecret(header), undefined, String(header));
    }
  });

  it('checks name the token in a refusal of scope, and say nothing of its secret', () => {
    const tokens = parseTokens(`grafana=read:${SECRET}`);
    const refused = checkToken(tokens, SECRET, 'write', 0);
    assert.deepEqual(refused, { ok: false, status: 403, reason: 'token "grafana" lacks the "write" scope' });
    assert.equal(checkToken(tokens, 'unknown-secret-0123456789', 'read', 0).ok, false);
  });
});
