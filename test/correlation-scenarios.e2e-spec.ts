// The correlation scenario files end to end: each scenario's events produced to the real broker in
// arrival order (its timeline moved to end just now, its services renamed for this run), consumed
// by a correlator process whose service catalog is the scenario's graph, and compared with what the
// broker-free driver gives for the same input: the same incidents (services, top suspect) and the
// same verdicts. The apps' consumers take topics at their own pace, so an alert may be handled
// before the change reported just before it; later evidence then merges the incidents, which is
// why incidents merged into another are left out of the comparison.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EventCodec, TOPICS, type EventTypes, type Incident, type Verdict } from '#contracts';
import type { CorrelatorInput } from '#core';
import { runScenario, scenarioEvents, type CorrelationScenario, type DriverRun } from '#core/testing';
import { testKafkaBrokers } from '#testing/infra';
import { loadCorrelationScenarios } from '../libs/core/src/correlation/scenario-files.spec-support.js';
import { freshDataDir, startProcess } from './support/app-process.js';
import { consumeUntil, produce, type SeenMessage } from './support/kafka-topics.js';

const MINUTE = 60_000;
/** Changes older than this are evidence only (the app's verifyWithinMs with a 15 s idle timeout), with a minute to spare. */
const VERIFY_WITHIN_MS = (30 + 15 + 2 - 1) * MINUTE;
const codec = new EventCodec({ now: () => Date.now() });

interface Shape {
  readonly incidents: { services: string[]; top: string | null }[];
  readonly verdicts: Record<string, string>;
}

const notMerged = (i: Incident) => !(i.status === 'resolved' && i.comment?.startsWith('merged into'));

function shapeOf(incidents: readonly Incident[], verdicts: ReadonlyMap<string, Verdict>): Shape {
  return {
    incidents: incidents
      .filter(notMerged)
      .map((i) => ({ services: [...i.services].sort(), top: i.suspects[0]?.changeId ?? null }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    verdicts: Object.fromEntries([...verdicts].map(([change, v]) => [change, v.outcome]).sort()),
  };
}

/** The scenario with its services and change ids made unique to this run, moved to now. */
function forThisRun(scenario: CorrelationScenario, suffix: string): CorrelationScenario {
  const s = (name: string) => `${name}${suffix}`;
  const renamed: CorrelationScenario = {
    ...scenario,
    graph: scenario.graph?.map(([from, to]) => [s(from), s(to)] as const),
    changes: scenario.changes?.map((c) => ({
      ...c,
      id: s(c.id),
      service: s(c.service),
      ...(c.rollbackOf ? { rollbackOf: s(c.rollbackOf) } : {}),
    })),
    alerts: scenario.alerts?.map((a) => ({ ...a, service: s(a.service) })),
    series: scenario.series?.map((x) => ({ ...x, service: s(x.service) })),
  };
  // The last verification window closes a minute ago (so its changes are recent enough to verify
  // and their verdicts come from event time, not from waiting); later events lie in the future.
  const start = Date.parse(scenario.start);
  const lastArrival = Math.max(...scenarioEvents(renamed).map((e) => e.arrival)) - start;
  const windows = (renamed.changes ?? []).map((c) => ((c.reportedAt ?? c.at) + 18) * MINUTE);
  const end = windows.length > 0 ? Math.max(...windows) : lastArrival;
  const newStart = Date.now() - end - MINUTE;
  return { ...renamed, start: new Date(Math.floor(newStart / 1000) * 1000).toISOString() };
}

function catalogOf(scenario: CorrelationScenario): string {
  const services = new Set<string>();
  const deps = new Map<string, string[]>();
  for (const [from, to] of scenario.graph ?? []) {
    services.add(from).add(to);
    deps.set(from, [...(deps.get(from) ?? []), to]);
  }
  const lines = [...services].map(
    (name) => `  - name: ${name}\n    dependsOn: [${(deps.get(name) ?? []).join(', ')}]`,
  );
  return lines.length > 0 ? `services:\n${lines.join('\n')}\n` : 'services: []\n';
}

const topicOf: Record<CorrelatorInput['type'], string | undefined> = {
  change: TOPICS.changes,
  alert: TOPICS.alerts,
  telemetry: TOPICS.telemetry,
  assessment: TOPICS.assessments,
  command: TOPICS.incidentCommands,
  verdict: undefined,
};

async function encoded(input: CorrelatorInput): Promise<{ key: string; value: Buffer }> {
  switch (input.type) {
    case 'change':
      return { key: input.change.service, value: await codec.encode('change', input.change) };
    case 'alert':
      return { key: input.alert.service, value: await codec.encode('alert', input.alert) };
    case 'telemetry':
      return { key: input.batch.service, value: await codec.encode('telemetry', input.batch) };
    default:
      throw new Error(`scenarios do not produce ${input.type} events`);
  }
}

/** Produces the events in arrival order, runs of one topic in one send. */
async function produceInOrder(brokers: string[], inputs: readonly CorrelatorInput[]): Promise<void> {
  for (let i = 0; i < inputs.length;) {
    const topic = topicOf[inputs[i]!.type]!;
    const run: CorrelatorInput[] = [];
    while (i < inputs.length && topicOf[inputs[i]!.type] === topic) run.push(inputs[i++]!);
    await produce(brokers, topic, await Promise.all(run.map(encoded)));
  }
}

/**
 * A `done` for consumeUntil, which calls it for every message of the topic: decodes only what
 * matched since the last call, hands each to `take`, then asks `done`.
 */
function eachNew<E extends 'verdict' | 'incident'>(
  event: E,
  take: (value: EventTypes[E]) => void,
  done: () => boolean,
) {
  return async (seen: SeenMessage[]): Promise<boolean> => {
    for (const m of seen.splice(0)) take((await codec.decode(event, m.value)) as EventTypes[E]);
    return done();
  };
}

async function brokerShape(brokers: string[], scenario: CorrelationScenario, want: Shape): Promise<Shape> {
  const services = new Set((scenario.graph ?? []).flat());
  for (const x of [...(scenario.changes ?? []), ...(scenario.alerts ?? []), ...(scenario.series ?? [])])
    services.add(x.service);
  const changes = new Set(Object.keys(want.verdicts));
  const ours = (m: { key: string | null }) => m.key !== null && services.has(m.key);
  const verdicts = new Map<string, Verdict>();
  if (changes.size > 0)
    await consumeUntil(
      brokers,
      [TOPICS.verdicts],
      ours,
      eachNew(
        'verdict',
        (v) => {
          if (changes.has(v.changeId) && (v.final || !verdicts.get(v.changeId)?.final))
            verdicts.set(v.changeId, v);
        },
        () => [...changes].every((id) => verdicts.get(id)?.final),
      ),
      120_000,
    );
  const latest = new Map<string, Incident>();
  const now = () => shapeOf([...latest.values()], verdicts);
  await consumeUntil(
    brokers,
    [TOPICS.incidents],
    ours,
    eachNew(
      'incident',
      (i) => {
        if ((latest.get(i.id)?.version ?? 0) < i.version) latest.set(i.id, i);
      },
      () => JSON.stringify(now()) === JSON.stringify(want),
    ),
    60_000,
  );
  return now();
}

describe('correlation scenarios end to end on the real broker', () => {
  const run = Date.now().toString(36);
  loadCorrelationScenarios().forEach(({ file, scenario }, n) => {
    it(`${scenario.name} (${file}): the same incidents and verdicts as the core alone`, async () => {
      const brokers = await testKafkaBrokers();
      const ours = forThisRun(scenario, `-${run}${n}`);
      const expected: DriverRun = runScenario(ours);
      // The app verifies only changes recent enough to (older ones are evidence only); the core alone verifies all.
      const recent = new Set(
        (ours.changes ?? [])
          .filter((c) => Date.parse(ours.start) + c.at * MINUTE >= Date.now() - VERIFY_WITHIN_MS)
          .map((c) => c.id),
      );
      const verified = new Map([...expected.verdicts].filter(([change]) => recent.has(change)));
      const want = shapeOf(expected.incidents, verified);
      const catalog = join(freshDataDir(), 'catalog.yaml');
      writeFileSync(catalog, catalogOf(ours));
      const app = startProcess('dist/apps/correlator/src/main.js', [], {
        KAFKA_BROKERS: brokers.join(','),
        HTTP_PORT: '0',
        SERVICE_CATALOG_FILE: catalog,
        CORRELATOR_IDLE_TIMEOUT: '15s',
      });
      try {
        await app.waitForLog((l) => l.msg === 'correlator state restored');
        await produceInOrder(
          brokers,
          scenarioEvents(ours).map((e) => e.input),
        );
        assert.deepEqual(await brokerShape(brokers, ours, want), want);
      } finally {
        app.child.kill('SIGTERM');
        assert.equal((await app.exited()).code, 0, app.stderr());
      }
    });
  });
});
