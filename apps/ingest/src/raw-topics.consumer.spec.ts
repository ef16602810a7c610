// The ingest consumer under fuzzing, on the in-memory bus (same semantics as Kafka): golden
// payloads with mutated ones in between, per format. No exception escapes; every refused
// payload is in the dead-letter topic with its reason and original bytes; every accepted one's
// events — and every good one's — are on the canonical topics.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { DecodeError, EventCodec, TOPICS } from '#contracts';
import { createNormalisers, IngestPipeline, ServiceIdentity } from '#ingestion';
import { InMemoryBus, parseDeadLetter, type InboundMessage } from '#messaging';
import { silentLogger } from '#observability';
import { fuzzCases } from '#testing';
import { RawTopicsConsumer } from './raw-topics.consumer.js';
import type { IngestConfig } from './ingest.settings.js';

const fixture = (format: string, name: string) =>
  readFileSync(projectPath('libs', 'ingestion', 'fixtures', format, name));
const golden: Record<string, Buffer[]> = {
  alertmanager: [fixture('alertmanager', 'group.json')],
  pagerduty: ['trigger.json', 'acknowledge.json', 'resolve.json', 'change.json'].map((n) =>
    fixture('pagerduty', n),
  ),
  cdevents: ['service-deployed.json', 'service-rolledback.json', 'pipelinerun-finished.json'].map((n) =>
    fixture('cdevents', n),
  ),
  argocd: ['synced.body.json', 'failed.body.json'].map((n) => fixture('argocd', n)),
  otlp_json: [fixture('otlp', 'all-types.json')],
};
const PER_FORMAT = 1_000;

describe('ingest consumer under fuzzing (in-memory bus)', () => {
  it(`${PER_FORMAT} mutated payloads per format among good ones: refused → dead-letter topic, accepted → canonical topics`, async () => {
    // Real time: the consumer stamps inputs with the time they arrive, as in production.
    const codec = new EventCodec({ now: () => Date.now() });
    const pipeline = new IngestPipeline(createNormalisers({ codec }), codec, {
      identity: new ServiceIdentity(),
    });
    // The oracle: the same pipeline, run directly on each payload.
    const oracle = new IngestPipeline(createNormalisers({ codec }), codec, {
      identity: new ServiceIdentity(),
    });
    const bus = new InMemoryBus({ defaultPartitions: 3, logger: silentLogger });
    await bus.connect();
    const rawTopics = Object.fromEntries(Object.keys(golden).map((f) => [`raw.${f}`, f]));
    const config: IngestConfig = { rawTopics, identity: new ServiceIdentity().rules };
    const consumer = new RawTopicsConsumer(pipeline, bus, config);

    let expectedEvents = 0;
    let expectedRefused = 0;
    for (const [format, payloads] of Object.entries(golden)) {
      const messages = [];
      let i = 0;
      for (const mutation of fuzzCases(payloads, PER_FORMAT, 7 + format.length)) {
        // a good payload between every few bad ones
        const body = i++ % 5 === 0 ? payloads[i % payloads.length]! : mutation.bytes;
        try {
          const prepared = await oracle.prepare(format, {
            body,
            headers: {},
            source: `raw.${format}`,
            receivedAt: Date.now(),
          });
          expectedEvents += prepared.events.length;
        } catch (error) {
          assert.ok(error instanceof DecodeError, `the oracle threw ${String(error)}`);
          expectedRefused++;
        }
        // One key per format keeps its order, which stateful formats (OTLP cumulative sums) rely on.
        messages.push({ key: format, value: body });
      }
      await bus.send(`raw.${format}`, messages);
    }

    const canonical: InboundMessage[] = [];
    const dead: InboundMessage[] = [];
    const total = () => canonical.length + dead.length;
    const ingest = await bus.subscribe({
      groupId: 'ingest',
      topics: consumer.topics(),
      handler: (b) => consumer.handle(b),
    });
    const sink = await bus.subscribe({
      groupId: 'sink',
      topics: [TOPICS.changes, TOPICS.alerts, TOPICS.telemetry, TOPICS.deadLetters],
      handler: async (batch) => {
        (batch.topic === TOPICS.deadLetters ? dead : canonical).push(...batch.messages);
      },
    });
    for (let waited = 0; total() < expectedEvents + expectedRefused && waited < 600; waited++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await ingest.stop();
    await sink.stop();
    await bus.close();

    assert.equal(dead.length, expectedRefused, 'every refused payload is dead-lettered, once');
    assert.equal(canonical.length, expectedEvents, 'every accepted payload’s events are published, once');
    assert.ok(expectedRefused > 0 && expectedEvents > 0);
    for (const m of dead) {
      const record = parseDeadLetter(m);
      assert.ok(record.reason && record.code, 'a reason and a code');
      assert.ok(record.topic.startsWith('raw.'), 'the original topic');
    }
  });
});
