// Problem management end to end on the real broker: Alertmanager webhooks in, incidents from the
// correlator, a problem candidate from the problems app, recorded in ClickHouse and served by
// the api — all-in-one wiring, but every hop over Kafka (AFTERSHOCK_BUS=kafka).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testKafkaBrokers } from '#testing/infra';
import { freshDataDir, startProcess, type AppProcess } from './support/app-process.js';

const TOKEN = 'e2e-token-0123456789abcdef';
const DAY = 86_400_000;

describe('problems end to end on the real broker', () => {
  let app: AppProcess;
  let url: string;

  before(async () => {
    const brokers = await testKafkaBrokers();
    app = startProcess('bin/aftershock.js', ['start', '--port', '0', '--data-dir', freshDataDir()], {
      AFTERSHOCK_BUS: 'kafka',
      KAFKA_BROKERS: brokers.join(','),
      AFTERSHOCK_TOKENS: `ingest+read+write:${TOKEN}`,
      RECORDER_GROUP_ID: `aftershock-recorder-e2e-${process.pid}`,
    });
    url = String((await app.waitForLog((l) => l.msg === 'started')).url);
  });

  after(async () => {
    await app.stop();
  });

  it('three nightly failures with different hosts and numbers become one problem candidate, served by the api', async () => {
    const service = `reporting-${process.pid}-${Date.now().toString(36)}`;
    const midnight = Math.floor(Date.now() / DAY) * DAY;
    const hosts = ['batch-07', 'batch-03', 'batch-11'];
    for (let night = 3; night >= 1; night--) {
      const startsAt = midnight - night * DAY + 2 * 3_600_000 + night * 17_000;
      const alert = (status: 'firing' | 'resolved') => ({
        version: '4',
        status,
        receiver: 'aftershock',
        groupLabels: { alertname: 'BatchJobFailed' },
        commonLabels: {},
        commonAnnotations: {},
        externalURL: 'http://alertmanager.example',
        alerts: [
          {
            status,
            labels: { alertname: 'BatchJobFailed', service, severity: 'high' },
            annotations: {
              summary: `job nightly-export failed after ${night + 2} retries on host ${hosts[night - 1]} (exit code 137)`,
            },
            startsAt: new Date(startsAt).toISOString(),
            endsAt:
              status === 'resolved' ? new Date(startsAt + 25 * 60_000).toISOString() : '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example/graph',
            fingerprint: `${service}-nightly`,
          },
        ],
      });
      for (const status of ['firing', 'resolved'] as const) {
        const response = await fetch(`${url}/api/v1/ingest/alertmanager`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(alert(status)),
        });
        assert.equal(response.status, 202, await response.text());
      }
    }
    interface Listed {
      status: string;
      count: number;
      periodMs: number | null;
      sharedFactors: { factor: string; value: string }[];
    }
    let found: Listed | undefined;
    for (let attempt = 0; attempt < 240 && !found; attempt++) {
      const response = await fetch(`${url}/api/v1/problems?service=${service}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const body = (await response.json()) as { items?: Listed[] };
      found = body.items?.find((p) => p.count >= 3);
      if (!found) await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(found, 'a problem candidate reached the api');
    assert.equal(found.status, 'candidate');
    assert.equal(found.count, 3);
    assert.equal(found.periodMs, DAY);
    assert.ok(found.sharedFactors.some((f) => f.factor === 'hour-of-day' && f.value === '02:00 UTC'));
  });
});
