// Budget burn as a symptom, on the real broker: a correlator given an OpenSLO file watches the
// service's request counts; a deploy that sends 10% of requests to 5xx burns the 99.9% SLO at
// 100×, the fast-burn tier pages (an SLOBurnRate alert on the alerts topic), and the incident
// that alert joins names the deploy as its top suspect. A broken edit of the SLO file is
// reported and the last good set stays in force.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  EventCodec,
  TOPICS,
  type Alert,
  type Incident,
  type SloDefinitionRecord,
  type TelemetryBatch,
} from '#contracts';
import { aChange, requestsByStatus } from '#testing';
import { testKafkaBrokers } from '#testing/infra';
import { startProcess, type AppProcess } from './support/app-process.js';
import { consumeUntil, produce } from './support/kafka-topics.js';

const MINUTE = 60_000;
const codec = new EventCodec({ now: () => Date.now() });

const sloFile = (service: string) => `
apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${service}-availability
spec:
  service: ${service}
  indicator:
    metadata:
      name: ${service}-errors
    spec:
      ratioMetric:
        counter: false
        bad:
          metricSource: { type: Aftershock, spec: { metric: http_requests, environment: production, labels: { code: 5xx } } }
        total:
          metricSource: { type: Aftershock, spec: { metric: http_requests, environment: production } }
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
`;

/** Per-minute batches of 10-second request counts (2xx and 5xx), 5xx at `share(t)`. */
function requestBatches(service: string, from: number, to: number, share: (t: number) => number) {
  const batches: TelemetryBatch[] = [];
  for (let minute = from; minute < to; minute += MINUTE) {
    const points = [];
    for (let t = minute; t < minute + MINUTE; t += 10_000)
      points.push(...requestsByStatus(t, 500, Math.round(500 * share(t))));
    batches.push({ id: `${service}-${minute}`, service, environment: 'production', points, resource: {} });
  }
  return batches;
}

describe('SLO budget burn as a symptom, on the real broker', () => {
  const service = `shop-${process.pid}-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'aftershock-slo-'));
  let brokers: string[];
  let app: AppProcess;

  before(async () => {
    brokers = await testKafkaBrokers();
    writeFileSync(join(dir, 'shop.yaml'), sloFile(service));
    app = startProcess('dist/apps/correlator/src/main.js', [], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      CORRELATOR_GROUP_ID: `slo-burn-${service}`,
      AFTERSHOCK_SLO_PATH: dir,
    });
    await app.waitForLog((l) => l.msg === 'started');
  });

  /**
   * Sends the service's requests from 70 minutes before `burnFrom` to `now`, 10% failing from
   * `burnFrom` (0.04% before), and returns the first alert raised on the service.
   */
  async function burnUntilPaged(on: string, burnFrom: number, now: number): Promise<Alert> {
    const batches = requestBatches(on, burnFrom - 71 * MINUTE, now, (t) => (t >= burnFrom ? 0.1 : 0.0004));
    await produce(
      brokers,
      TOPICS.telemetry,
      await Promise.all(batches.map(async (b) => ({ key: on, value: await codec.encode('telemetry', b) }))),
    );
    const pages = await consumeUntil(
      brokers,
      [TOPICS.alerts],
      (m) => m.key === on,
      (seen) => seen.length > 0,
      120_000,
    );
    return (await codec.decode('alert', pages[0]!.value)) as Alert;
  }

  after(async () => {
    app.child.kill('SIGTERM');
    assert.equal((await app.exited()).code, 0, app.stderr());
    rmSync(dir, { recursive: true, force: true });
  });

  it('a deploy that burns the budget pages, and the page is attributed to the deploy', async () => {
    const loaded = await app.waitForLog((l) => l.msg === 'SLOs loaded');
    assert.equal(loaded['slos'], 1);
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    const t0 = now - 20 * MINUTE;
    const change = aChange({
      id: `${service}-v2`,
      service,
      environment: 'production',
      startedAt: t0,
      finishedAt: t0 + MINUTE,
      version: 'v2',
    });
    await produce(brokers, TOPICS.changes, [{ key: service, value: await codec.encode('change', change) }]);
    const page = await burnUntilPaged(service, t0 + MINUTE, now);
    assert.equal(page.name, 'SLOBurnRate');
    assert.equal(page.status, 'firing');
    assert.equal(page.labels['slo'], `${service}-availability`);
    assert.equal(page.severity, 'critical', 'the workbook’s 1-hour tier pages');
    // Workbook: (1 − 0.999) / 0.1 × 1 h × 14.4 = 8.6 minutes after the burn began.
    const toPage = (page.startsAt - (t0 + MINUTE)) / MINUTE;
    assert.ok(toPage > 7 && toPage < 10, `paged ${toPage} min after the burn began`);

    const events = await consumeUntil(
      brokers,
      [TOPICS.incidents],
      (m) => m.key === service,
      async (seen) => {
        const all = (await Promise.all(seen.map((m) => codec.decode('incident', m.value)))) as Incident[];
        return all.some((i) => i.members.some((m) => m.type === 'alert' && m.ref.includes('slo:')));
      },
      120_000,
    );
    const incidents = (await Promise.all(events.map((m) => codec.decode('incident', m.value)))) as Incident[];
    const withPage = incidents
      .filter((i) => i.members.some((m) => m.type === 'alert' && m.ref.includes('slo:')))
      .sort((a, b) => b.version - a.version)[0]!;
    assert.equal(withPage.suspects[0]?.changeId, change.id, JSON.stringify(withPage.suspects));
  });

  it('a broken edit of the SLO file is reported and the last good set stays', async () => {
    writeFileSync(join(dir, 'shop.yaml'), sloFile(service).replace('target: 0.999', 'target: 2'));
    const warned = await app.waitForLog(
      (l) => l.msg === 'SLO definitions not reloaded: the last good set stays in force',
    );
    assert.match(String(warned['error']), /shop\.yaml: not valid OpenSLO v1: .*target/);
  });

  it("an SLO written through the api is alerted on within seconds, beside the files' ones", async () => {
    const other = `${service}-api`;
    const written: SloDefinitionRecord = {
      name: `${other}-availability`,
      openslo: sloFile(other),
      actor: 'sre@example.com',
      at: Date.now(),
    };
    await produce(brokers, TOPICS.sloDefinitions, [
      { key: written.name, value: await codec.encode('slo-definition', written) },
    ]);
    await app.waitForLog(
      (l) => l.msg === 'SLOs alerted on' && String(l['added']).split(', ').includes(written.name),
      30_000,
    );
    const now = Math.floor(Date.now() / 10_000) * 10_000;
    const page = await burnUntilPaged(other, now - 20 * MINUTE, now);
    assert.equal(page.labels['slo'], written.name);
    assert.equal(page.status, 'firing');
  });
});
