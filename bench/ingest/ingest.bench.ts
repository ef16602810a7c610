// `npm run bench:ingest`: events/s on one core for decode + validate + normalise of each input
// format, beside plain JSON.parse of the same bytes (the ceiling), with the ratio; and Avro
// against JSON for canonical events (encode and decode).
import { readFileSync } from 'node:fs';
import { projectPath } from '#config';
import { EventCodec, type EventName } from '#contracts';
import { createNormalisers, ServiceIdentity, type Normaliser } from '#ingestion';
import { aChange, anAlert, aTelemetryBatch, aPoint, T0 } from '#testing';
import { measureThroughput, PeakRss, rate, mb, table } from '../support/measure.js';

const log = (line: string) => console.log(line);
const fixture = (format: string, name: string) =>
  readFileSync(projectPath('libs', 'ingestion', 'fixtures', format, name));
const headersOf = (format: string, name: string): Record<string, string> => {
  try {
    return JSON.parse(fixture(format, name.replace(/\.(json|pb)$/, '.headers.json')).toString()) as Record<
      string,
      string
    >;
  } catch {
    return {};
  }
};

const now = () => Date.UTC(2026, 10, 2, 13, 0, 0);
const codec = new EventCodec({ now });
const normalisers = new Map(
  createNormalisers({ codec, githubSecret: 'aftershock-test-webhook-secret' }).map((n) => [n.format, n]),
);
const context = { identity: new ServiceIdentity() };

const cases: { format: string; name: string }[] = [
  { format: 'alertmanager', name: 'group.json' },
  { format: 'pagerduty', name: 'trigger.json' },
  { format: 'cdevents', name: 'service-deployed.json' },
  { format: 'cloudevents', name: 'structured-service-deployed.json' },
  { format: 'github', name: 'deployment_status-success.json' },
  { format: 'argocd', name: 'synced.body.json' },
  { format: 'otlp_json', name: 'all-types.json' },
  { format: 'otlp_proto', name: 'all-types.pb' },
];
const FIXTURE_DIR: Record<string, string> = { otlp_json: 'otlp', otlp_proto: 'otlp' };

const peak = new PeakRss();
log('# ingest: decode + validate + normalise per format, one core');
const rows: string[][] = [];
for (const { format, name } of cases) {
  const dir = FIXTURE_DIR[format] ?? format;
  const body = fixture(dir, name);
  const headers = headersOf(dir, name);
  const normaliser = normalisers.get(format) as Normaliser;
  const input = { body, headers, source: 'bench', receivedAt: now() };
  // Events are counted as canonical events out; inputs as payloads in.
  const perInput = normaliser.normalise(input, context).length;
  const ours = measureThroughput(() => {
    const events = normaliser.normalise(input, context);
    for (const e of events) codec.validate(e.event, e.value);
    return 1;
  });
  const ceiling =
    format === 'otlp_proto' ? undefined : measureThroughput(() => (JSON.parse(body.toString('utf8')), 1));
  rows.push([
    format,
    `${body.length} B`,
    String(perInput),
    rate(ours.perSecond),
    rate(ours.perSecond * perInput),
    ceiling ? rate(ceiling.perSecond) : 'n/a (binary)',
    ceiling ? `${((ours.perSecond / ceiling.perSecond) * 100).toFixed(0)}%` : '',
  ]);
  log(`  measured ${format}`);
}
table(log, ['format', 'payload', 'events', 'payloads/s', 'events/s', 'JSON.parse/s', 'ours/parse'], rows);

log('');
log('# canonical events: Avro single-object vs JSON (encode + decode with validation)');
const samples: { event: EventName; value: unknown }[] = [
  { event: 'change', value: aChange() },
  { event: 'alert', value: anAlert({ startsAt: T0 }) },
  {
    event: 'telemetry',
    value: aTelemetryBatch({
      points: Array.from({ length: 50 }, (_, i) => aPoint({ timestamp: T0 + i * 10_000, value: i })),
    }),
  },
];
const avro = new EventCodec({ now, format: 'avro' });
const json = new EventCodec({ now, format: 'json' });
const codecRows: string[][] = [];
for (const { event, value } of samples) {
  const a = await avro.encode(event, value as never);
  const j = await json.encode(event, value as never);
  const enc = (c: EventCodec) => measureThroughput(() => (void c.encode(event, value as never), 1), 1);
  // decode() is async only for registry look-ups; for Avro/JSON it settles at once, so time the sync parts.
  const decA = measureThroughput(
    () => (
      avro.validate(
        event,
        (
          avro as unknown as {
            catalog: { latest: (e: string) => { type: { fromBuffer: (b: Buffer) => unknown } } };
          }
        ).catalog
          .latest(event)
          .type.fromBuffer(a.subarray(10)),
      ),
      1
    ),
    1,
  );
  const decJ = measureThroughput(() => (json.validate(event, JSON.parse(j.toString('utf8'))), 1), 1);
  codecRows.push([
    event,
    `${a.length} B`,
    `${j.length} B`,
    rate(enc(avro).perSecond),
    rate(enc(json).perSecond),
    rate(decA.perSecond),
    rate(decJ.perSecond),
  ]);
}
table(
  log,
  ['event', 'avro size', 'json size', 'avro enc/s', 'json enc/s', 'avro dec/s', 'json dec/s'],
  codecRows,
);
log('');
log(`peak RSS ${mb(peak.stop())}`);
