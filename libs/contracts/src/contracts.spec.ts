import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { describe, it } from 'node:test';
import type avro from 'avsc';
import { projectPath } from '#config';
import {
  aChange,
  aChangeContent,
  aDeadLetter,
  anIncidentCommand,
  aProblemCommand,
  anSloDefinition,
  anAlert,
  anAssessment,
  anIncident,
  aProblem,
  aTelemetryBatch,
  aVerdict,
  T0,
} from '#testing';
import { schemaCatalog, EVENT_NAMES, type EventName } from './avro/schema-catalog.js';
import { rabinFingerprint } from './avro/rabin.js';
import { SchemaRegistryClient } from './avro/schema-registry-client.js';
import { encodeSingleObject } from './avro/wire-formats.js';
import { EventCodec } from './event-codec.js';
import { DecodeError } from './errors.js';
import { contentId } from './ids.js';
import type { EventTypes } from './generated/events.js';

const samples: { [E in EventName]: EventTypes[E] } = {
  change: aChange({ content: aChangeContent() }),
  alert: anAlert(),
  telemetry: aTelemetryBatch(),
  incident: anIncident(),
  verdict: aVerdict(),
  problem: aProblem(),
  assessment: anAssessment(),
  'dead-letter': aDeadLetter(),
  'incident-command': anIncidentCommand(),
  'problem-command': aProblemCommand(),
  'slo-definition': anSloDefinition(),
};
const now = () => T0 + 3_600_000;
const catalog = schemaCatalog();

async function refusal(promise: Promise<unknown>): Promise<DecodeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof DecodeError, `expected a DecodeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the input to be refused');
}

describe('schemas', () => {
  it('fingerprints with CRC-64-AVRO as the Avro specification defines it', () => {
    // Test vector from the Avro specification's test data: the schema "null".
    assert.equal(rabinFingerprint('"null"').readBigInt64LE(), 7195948357588979594n);
  });

  it('generated TypeScript types are up to date with the schemas', () => {
    const run = spawnSync(process.execPath, [projectPath('scripts', 'generate-types.mjs'), '--check']);
    assert.equal(run.status, 0, run.stderr.toString());
  });

  for (const event of EVENT_NAMES) {
    it(`${event}: data written with each version is read by the next version, and the other way round`, async () => {
      const versions = catalog.all(event);
      if (versions.length === 1) return;
      const fieldsOf = (t: unknown) => (t as avro.types.RecordType).fields;
      const sample = samples[event] as unknown as Record<string, unknown>;
      // avsc reads records into class instances; compare their fields only.
      const plain = (v: unknown): unknown => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
      for (let i = 1; i < versions.length; i++) {
        const [older, newer] = [versions[i - 1]!, versions[i]!];
        const olderFields = new Map(fieldsOf(older.type).map((f) => [f.name, f]));
        const added = fieldsOf(newer.type).filter((f) => !olderFields.has(f.name));
        assert.ok(added.length > 0, `v${newer.version} adds fields`);
        // A field whose own type gained fields (a nested record) is checked by validity below.
        const sameType = (f: avro.types.Field) =>
          JSON.stringify(olderFields.get(f.name)?.type.schema()) === JSON.stringify(f.type.schema());
        // The sample as the older version writes it (fields it lacks, nested ones too, left out).
        const asOlder = older.type.fromBuffer(older.type.toBuffer(sample));
        // Older data read as the newer version: the new fields take their defaults.
        const backward = newer.type.fromBuffer(
          older.type.toBuffer(sample),
          newer.type.createResolver(older.type),
        );
        assert.ok(newer.type.isValid(backward), `v${older.version} → v${newer.version}: valid`);
        for (const field of fieldsOf(newer.type)) {
          if (olderFields.has(field.name) && !sameType(field)) continue;
          const expected = olderFields.has(field.name) ? asOlder[field.name] : field.defaultValue();
          assert.deepEqual(
            plain(backward[field.name]),
            plain(expected),
            `v${older.version} → v${newer.version}: ${field.name}`,
          );
        }
        // Newer data read as the older version: the older fields unchanged, the new ones dropped.
        const forward = older.type.fromBuffer(
          newer.type.toBuffer(sample),
          older.type.createResolver(newer.type),
        );
        assert.ok(older.type.isValid(forward), `v${newer.version} → v${older.version}: valid`);
        for (const field of fieldsOf(newer.type)) {
          if (!olderFields.has(field.name)) assert.equal(field.name in forward, false, field.name);
          else if (sameType(field))
            assert.deepEqual(
              plain(forward[field.name]),
              plain(asOlder[field.name]),
              `v${newer.version} → v${older.version}: ${field.name}`,
            );
        }
      }
      // The codec reads the oldest version's bytes (found by fingerprint) into the newest.
      const value = await new EventCodec({ now, format: 'avro' }).decode(
        event,
        encodeSingleObject(versions[0]!, samples[event]),
      );
      const identity = (e: object) => ('id' in e ? e.id : 'name' in e ? e.name : undefined);
      assert.equal(identity(value as object), identity(samples[event]));
    });
  }
});

describe('EventCodec', () => {
  for (const format of ['avro', 'json'] as const) {
    it(`round-trips every event through ${format}`, async () => {
      const codec = new EventCodec({ now, format });
      for (const event of EVENT_NAMES) {
        const bytes = await codec.encode(event, samples[event]);
        assert.deepEqual(await codec.decode(event, bytes), samples[event], event);
      }
    });
  }

  it('reads any format whatever it writes', async () => {
    const avro = await new EventCodec({ now, format: 'avro' }).encode('change', samples.change);
    const json = await new EventCodec({ now, format: 'avro' }).decode('change', avro);
    assert.deepEqual(json, samples.change);
  });

  it('writes and reads the Confluent wire format through a schema registry', async () => {
    // A stand-in registry: the Confluent registry is not installable here; these are the two
    // endpoints of its REST API the client uses.
    const schemas: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('content-type', 'application/vnd.schemaregistry.v1+json');
        if (req.method === 'POST' && req.url === '/subjects/aftershock.alert/versions') {
          const schema = (JSON.parse(body) as { schema: string }).schema;
          const id = schemas.indexOf(schema) >= 0 ? schemas.indexOf(schema) + 1 : schemas.push(schema);
          res.end(JSON.stringify({ id }));
        } else if (req.method === 'GET' && req.url?.startsWith('/schemas/ids/')) {
          res.end(JSON.stringify({ schema: schemas[Number(req.url.split('/').pop()) - 1] }));
        } else {
          res.statusCode = 404;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as { port: number };
      const registry = new SchemaRegistryClient({ url: `http://127.0.0.1:${port}` });
      const codec = new EventCodec({ now, format: 'confluent', registry });
      const bytes = await codec.encode('alert', samples.alert);
      assert.equal(bytes[0], 0);
      assert.equal(bytes.readUInt32BE(1), 1);
      const reader = new EventCodec({
        now,
        registry: new SchemaRegistryClient({ url: `http://127.0.0.1:${port}` }),
      });
      assert.deepEqual(await reader.decode('alert', bytes), samples.alert);
    } finally {
      server.close();
    }
  });

  describe('refuses bad input with the field at fault', () => {
    const codec = new EventCodec({ now, format: 'json' });
    const json = (value: unknown) => Buffer.from(JSON.stringify(value));

    it('a missing required field', async () => {
      const { service: _service, ...rest } = samples.change;
      const error = await refusal(codec.decode('change', json(rest)));
      assert.equal(error.code, 'validate.missing-field');
      assert.equal(error.field, 'service');
    });

    it('a negative count or measure in the change content', async () => {
      const change = { ...samples.change, content: { ...samples.change.content, linesDeleted: -3 } };
      const error = await refusal(codec.decode('change', json(change)));
      assert.equal(error.field, 'content.linesDeleted');
      assert.match(error.reason, /-3 is below zero/);
    });

    it('a wrong type deep inside', async () => {
      const batch = {
        ...samples.telemetry,
        points: [samples.telemetry.points[0], { metric: 'x', value: 'high', timestamp: T0 }],
      };
      const error = await refusal(codec.decode('telemetry', json(batch)));
      assert.equal(error.field, 'points[1].value');
      assert.match(error.reason, /"high" is not a finite number/);
    });

    it('NaN and Infinity values (Avro can carry them; we do not accept them)', async () => {
      const bytes = encodeSingleObject(catalog.latest('telemetry'), {
        ...samples.telemetry,
        points: [{ ...samples.telemetry.points[0]!, value: Number.NaN }],
      });
      assert.equal((await refusal(codec.decode('telemetry', bytes))).field, 'points[0].value');
    });

    it('timestamps far in the future or the past', async () => {
      const future = await refusal(
        codec.decode('alert', json({ ...samples.alert, startsAt: now() + 365 * 86_400_000 })),
      );
      assert.equal(future.code, 'validate.timestamp');
      assert.equal(future.field, 'startsAt');
      const past = await refusal(codec.decode('alert', json({ ...samples.alert, startsAt: 12 })));
      assert.equal(past.field, 'startsAt');
    });

    it('an enum value that does not exist', async () => {
      const error = await refusal(codec.decode('alert', json({ ...samples.alert, severity: 'apocalyptic' })));
      assert.equal(error.field, 'severity');
      assert.match(error.reason, /not one of critical, high, warning, info/);
    });

    it('invalid UTF-8, truncated JSON and unknown formats', async () => {
      assert.equal(
        (await refusal(codec.decode('alert', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])))).code,
        'decode.utf8',
      );
      assert.equal((await refusal(codec.decode('alert', Buffer.from('{"id":')))).code, 'decode.json');
      assert.equal(
        (await refusal(codec.decode('alert', Buffer.from('hello')))).code,
        'decode.unknown-format',
      );
    });

    it('an Avro event of another type on the wrong topic', async () => {
      const bytes = await new EventCodec({ now }).encode('change', samples.change);
      assert.equal((await refusal(codec.decode('alert', bytes))).code, 'decode.avro-wrong-schema');
    });

    it('empty identifiers and oversized strings', async () => {
      assert.equal(
        (await refusal(codec.decode('alert', json({ ...samples.alert, service: ' ' })))).field,
        'service',
      );
      const huge = 'x'.repeat(70_000);
      assert.equal(
        (await refusal(codec.decode('alert', json({ ...samples.alert, summary: huge })))).field,
        'summary',
      );
    });
  });
});

describe('ids', () => {
  it('content ids are stable whatever the key order, and differ when content differs', () => {
    assert.equal(
      contentId('x', { a: 1, b: [1, { c: 2, d: 3 }] }),
      contentId('x', { b: [1, { d: 3, c: 2 }], a: 1 }),
    );
    assert.notEqual(contentId('x', { a: 1 }), contentId('x', { a: 2 }));
  });
});
