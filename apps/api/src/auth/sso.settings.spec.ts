import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '#config';
import { loadApiConfig } from '../api.settings.js';
import { groupsOf, personOf, scopesOf } from './claims.js';
import { returnPath } from './sso.service.js';

const SSO = {
  OIDC_ISSUER: 'https://idp.example.com/realms/ops',
  OIDC_CLIENT_ID: 'aftershock',
  OIDC_CLIENT_SECRET: 'a-client-secret-never-echoed',
  OIDC_GROUP_SCOPES: '{"sre":["read","write"],"viewers":["read"]}',
  AFTERSHOCK_PUBLIC_URL: 'https://ops.example.com/',
};

function problems(env: Record<string, string>): Map<string, string> {
  try {
    loadApiConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    assert.doesNotMatch(error.message, /a-client-secret-never-echoed/);
    const found = new Map<string, string>();
    for (const p of error.problems)
      found.set(p.setting, [found.get(p.setting), p.problem].filter(Boolean).join('\n'));
    return found;
  }
  assert.fail('the settings were accepted');
}

describe('single sign-on settings', () => {
  it('are off without OIDC_ISSUER, and on with it: redirect URI, secure cookies and the group map derived', () => {
    assert.equal(loadApiConfig({}).sso, undefined);
    const sso = loadApiConfig(SSO).sso!;
    assert.equal(sso.redirectUri, 'https://ops.example.com/auth/callback');
    assert.equal(sso.publicOrigin, 'https://ops.example.com');
    assert.equal(sso.secureCookies, true);
    assert.equal(sso.providerName, 'idp.example.com');
    assert.equal(sso.issuer, 'https://idp.example.com/realms/ops', 'the issuer exactly as given');
    assert.deepEqual(
      [...sso.groupScopes],
      [
        ['sre', ['read', 'write']],
        ['viewers', ['read']],
      ],
    );
    assert.deepEqual(sso.scopes, ['openid', 'profile', 'email']);
    assert.equal(sso.sessionTtlMs, 8 * 3_600_000);
  });

  it('name every variable at fault at once', () => {
    const found = problems({
      OIDC_ISSUER: 'http://idp.example.com',
      OIDC_GROUP_SCOPES: '{"sre":["read","wrte"],"bots":["ingest"],"x":"read"}',
      OIDC_SCOPES: 'profile,email',
      OIDC_CLIENT_SECRET: 'a-client-secret-never-echoed',
    });
    assert.match(found.get('OIDC_ISSUER')!, /must be https/);
    assert.match(found.get('OIDC_CLIENT_ID')!, /is required/);
    assert.match(found.get('AFTERSHOCK_PUBLIC_URL')!, /is required with OIDC_ISSUER/);
    assert.match(found.get('OIDC_SCOPES')!, /must include openid/);
    assert.match(found.get('OIDC_GROUP_SCOPES')!, /group "sre": "wrte" is not a scope/);
    assert.match(found.get('OIDC_GROUP_SCOPES')!, /group "bots": "ingest"/);
    assert.match(found.get('OIDC_GROUP_SCOPES')!, /group "x": give a non-empty list/);
  });

  it('refuse scopes a person may not get, malformed JSON, and OIDC settings without an issuer', () => {
    assert.match(
      problems({ ...SSO, OIDC_GROUP_SCOPES: '{"bots":["ingest"]}' }).get('OIDC_GROUP_SCOPES')!,
      /"ingest" is not a scope a person may get \(ingest is for producers/,
    );
    assert.match(
      problems({ ...SSO, OIDC_GROUP_SCOPES: '{"sre":"read"}' }).get('OIDC_GROUP_SCOPES')!,
      /group "sre": give a non-empty list/,
    );
    assert.match(problems({ ...SSO, OIDC_GROUP_SCOPES: '{sre:' }).get('OIDC_GROUP_SCOPES')!, /is not JSON/);
    assert.match(problems({ OIDC_CLIENT_ID: 'x' }).get('OIDC_CLIENT_ID')!, /set OIDC_ISSUER too/);
    assert.ok(loadApiConfig({ ...SSO, OIDC_ISSUER: 'http://127.0.0.1:5556/dex' }).sso!.insecureIssuer);
  });
});

describe('claims to a person and scopes', () => {
  it('reads groups from a dotted path, a list or one name', () => {
    assert.deepEqual(groupsOf({ realm_access: { roles: ['sre', 3] } }, 'realm_access.roles'), ['sre']);
    assert.deepEqual(groupsOf({ groups: 'viewers' }, 'groups'), ['viewers']);
    assert.equal(groupsOf({}, 'groups'), undefined);
  });

  it('unions the scopes of every group and of everyone', () => {
    const mapping = new Map([
      ['sre', ['write'] as const],
      ['*', ['read'] as const],
    ]);
    assert.deepEqual(scopesOf(['sre'], mapping), ['read', 'write']);
    assert.deepEqual(scopesOf([], mapping), ['read']);
    assert.deepEqual(scopesOf(['x'], new Map()), []);
  });

  it('records the e-mail as the actor, else the user name, else the subject; never a control character', () => {
    assert.equal(personOf({ sub: 's1', email: 'a@x.test', name: 'A' }, 'groups').actor, 'a@x.test');
    assert.equal(personOf({ sub: 's1', preferred_username: 'ann' }, 'groups').actor, 'ann');
    const odd = personOf({ sub: 's1', email: 'a\u0000@x', name: 'Ann\nEvil' }, 'groups');
    assert.equal(odd.actor, 's1');
    assert.equal(odd.name, 's1');
  });
});

describe('where a sign-in returns to', () => {
  it('is a path of this site, hash and query kept', () => {
    assert.equal(returnPath('/#/incidents/inc_1'), '/#/incidents/inc_1');
    assert.equal(returnPath('/incidents/inc_1?x=1'), '/incidents/inc_1?x=1');
  });

  it('is never another site, the API or the sign-in itself', () => {
    for (const bad of [
      '//evil.example/',
      '/\\evil.example',
      'https://evil.example/',
      '/auth/login',
      '/api/v1/x',
      'x',
      '/a\nb',
      undefined,
      ['/'],
    ]) {
      assert.equal(returnPath(bad), '/', String(bad));
    }
  });
});
