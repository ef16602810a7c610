// Aftershock's own metrics and traces, read the way an operator's Prometheus and OpenTelemetry
// Collector read them: GET /metrics on a running app, and OTLP/HTTP trace export to a receiver.
// The series must move when the app does work, not merely exist.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { projectPath } from '#config';
import { TOPICS } from '#contracts';
import { eventually } from '#testing';
import { testKafkaBrokers, uniqueTopic } from '#testing/infra';
import { freshDataDir, startProcess, type AppProcess } from './support/app-process.js';
import { produce } from './support/kafka-topics.js';
import { scrape, series, total, type Sample } from './support/prometheus.js';

const TOKEN = 'metrics-e2e-ingest-token';
const ingestRoute = { http_route: '/api/v1/ingest/:format' };

/** An Alertmanager webhook whose first alert fires now on `service` (so it opens an incident). */
function firingAlert(service: string): string {
  const payload = JSON.parse(
    readFileSync(projectPath('libs', 'ingestion', 'fixtures', 'alertmanager', 'group.json'), 'utf8'),
  ) as { alerts: { labels: Record<string, string>; startsAt: string; fingerprint: string }[] };
  const alert = payload.alerts[0]!;
  alert.labels = { ...alert.labels, service, alertname: 'MetricsE2E' };
  alert.startsAt = new Date(Date.now() - 60_000).toISOString();
  alert.fingerprint = `metrics-e2e-${Date.now().toString(16)}`;
  return JSON.stringify({ ...payload, alerts: [alert] });
}

async function post(url: string, format: string, body: string): Promise<number> {
  const response = await fetch(`${url}/api/v1/ingest/${format}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
  });
  await response.arrayBuffer();
  return response.status;
}

async function stop(app: AppProcess): Promise<void> {
  app.child.kill('SIGTERM');
  const { code, signal } = await app.exited();
  assert.equal(code, 0, `exit signal ${signal}; stderr: ${app.stderr()}`);
}

describe('/metrics of the all-in-one process', () => {
  let app: AppProcess;
  let url: string;

  before(async () => {
    app = startProcess('bin/aftershock.js', ['start', '--port', '0', '--data-dir', freshDataDir()], {
      AFTERSHOCK_TOKENS: `ingest:${TOKEN}`,
    });
    url = String((await app.waitForLog((l) => l.msg === 'started')).url);
    await eventually(async () => assert.equal((await fetch(`${url}/health/ready`)).status, 200), 120_000);
  });
  after(() => stop(app));

  it('serves the Prometheus text format without a token', async () => {
    const response = await fetch(`${url}/metrics`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await response.text(), /^# HELP /m);
  });

  it('requests, consumption, inserts, dead letters and incidents move their series', async () => {
    const before = await scrape(url);
    assert.equal(await post(url, 'alertmanager', firingAlert('metrics-e2e')), 202);
    assert.equal(await post(url, 'alertmanager', '{"version": "4", "alerts": "not a list"}'), 400);

    const grew = (after: Sample[], name: string, where: Record<string, string> = {}) =>
      total(after, name, where) - total(before, name, where);
    const after = await eventually(async () => {
      const now = await scrape(url);
      assert.ok(grew(now, 'aftershock_incidents_opened_total') >= 1, 'an incident opened');
      assert.ok(
        grew(now, 'db_client_operation_duration_count', { db_collection_name: 'alerts' }) >= 1,
        'the recorder inserted the alert',
      );
      const lag = { messaging_destination_name: TOPICS.alerts };
      assert.ok(
        series(now, 'aftershock_messaging_consumer_lag', lag).length > 0,
        'lag measured after the commit',
      );
      return now;
    }, 60_000);

    assert.equal(
      grew(after, 'http_server_request_duration_count', { ...ingestRoute, http_response_status_code: '202' }),
      1,
      'one accepted ingest request, by route template',
    );
    assert.equal(
      grew(after, 'http_server_request_duration_count', { ...ingestRoute, http_response_status_code: '400' }),
      1,
    );
    const deadLetters = series(after, 'aftershock_messaging_dead_lettered_total', {
      messaging_consumer_group_name: 'aftershock-ingest-http',
    });
    assert.ok(
      deadLetters.length > 0 && deadLetters.every((s) => s.labels.error_type),
      'dead letters by reason',
    );
    assert.ok(grew(after, 'aftershock_messaging_dead_lettered_total') >= 1);
    assert.ok(
      grew(after, 'messaging_client_consumed_messages_total', {
        messaging_consumer_group_name: 'aftershock-correlator',
        messaging_destination_name: TOPICS.alerts,
      }) >= 1,
      'the correlator consumed the alert',
    );
    assert.ok(grew(after, 'messaging_process_duration_count') >= 1);
    assert.ok(grew(after, 'aftershock_messaging_batch_size_count') >= 1);
    assert.ok(grew(after, 'aftershock_storage_rows_written_total', { db_collection_name: 'alerts' }) >= 1);
    const lag = series(after, 'aftershock_messaging_consumer_lag', {
      messaging_destination_name: TOPICS.alerts,
    });
    assert.ok(lag.length > 0, 'consumer lag per partition of the alerts topic');
    for (const s of lag) {
      assert.ok(s.labels.messaging_destination_partition_id !== undefined && s.value >= 0);
      assert.equal(s.labels.messaging_system, 'embedded', 'the all-in-one default bus, by its name');
    }
    assert.equal(series(after, 'aftershock_verifications_active').length, 1);
    assert.ok(total(after, 'aftershock_incidents_active') >= 1, 'the incident is still active');
  });
});

describe('/metrics of a service-mode app on the real broker', () => {
  let app: AppProcess;
  let url: string;
  let brokers: string[];
  const raw = uniqueTopic('raw.metrics-e2e');

  before(async () => {
    brokers = await testKafkaBrokers();
    app = startProcess('bin/aftershock.js', ['run', 'ingest'], {
      KAFKA_BROKERS: brokers.join(','),
      HTTP_PORT: '0',
      INGEST_RAW_TOPICS: `${raw}=alertmanager`,
    });
    url = String((await app.waitForLog((l) => l.msg === 'started')).url);
  });
  after(() => stop(app));

  it('counts consumed and dead-lettered messages of a raw topic and reports its lag per partition', async () => {
    const where = { messaging_system: 'kafka', messaging_destination_name: raw };
    await produce(brokers, raw, [
      { value: firingAlert('metrics-e2e-kafka') },
      { value: 'not an alertmanager payload' },
      { value: firingAlert('metrics-e2e-kafka') },
    ]);
    const after = await eventually(async () => {
      const now = await scrape(url);
      // At least once: a redelivery after a rebalance may count a message twice, never less than once.
      assert.ok(total(now, 'messaging_client_consumed_messages_total', where) >= 3);
      // The lag is measured once a batch is committed, just after it is counted as consumed.
      assert.ok(series(now, 'aftershock_messaging_consumer_lag', where).length >= 1);
      return now;
    }, 60_000);
    assert.ok(
      total(after, 'aftershock_messaging_dead_lettered_total', { messaging_destination_name: raw }) >= 1,
    );
    // Unkeyed messages spread over the topic's partitions: one series each, all caught up.
    const lag = series(after, 'aftershock_messaging_consumer_lag', where);
    assert.ok(lag.length <= 3, `lag series: ${JSON.stringify(lag)}`);
    for (const s of lag) assert.equal(s.value, 0, `partition ${s.labels.messaging_destination_partition_id}`);
  });
});

describe('trace export over OTLP/HTTP', () => {
  let receiver: Server;
  const spans: string[] = [];
  let endpoint: string;

  before(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        if (request.url === '/v1/traces') {
          const body = JSON.parse(Buffer.concat(chunks).toString()) as {
            resourceSpans: { scopeSpans: { spans: { name: string }[] }[] }[];
          };
          for (const r of body.resourceSpans)
            for (const s of r.scopeSpans) spans.push(...s.spans.map((x) => x.name));
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  it('is off by default and sends the spans of consumed batches to the configured endpoint', async () => {
    const app = startProcess('bin/aftershock.js', ['start', '--port', '0', '--data-dir', freshDataDir()], {
      AFTERSHOCK_TOKENS: `ingest:${TOKEN}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    });
    const started = await app.waitForLog((l) => l.msg === 'started');
    assert.equal(started.traces, 'otlp');
    assert.equal(await post(String(started.url), 'alertmanager', firingAlert('traces-e2e')), 202);
    await eventually(async () => {
      const now = await scrape(String(started.url));
      assert.ok(
        total(now, 'messaging_client_consumed_messages_total', { messaging_destination_name: TOPICS.alerts }),
      );
    }, 60_000);
    await stop(app); // the last spans are flushed on the way out
    assert.ok(
      spans.includes(`process ${TOPICS.alerts}`),
      `spans received: ${[...new Set(spans)].join(', ')}`,
    );
    assert.ok(spans.includes('storage.flush'));

    const quiet = startProcess('bin/aftershock.js', ['run', 'ingest'], {
      AFTERSHOCK_BUS: 'memory',
      HTTP_PORT: '0',
    });
    const quietStarted = await quiet.waitForLog((l) => l.msg === 'started');
    assert.equal(quietStarted.traces, 'off');
    await eventually(async () =>
      assert.equal((await fetch(`${String(quietStarted.url)}/health/ready`)).status, 200),
    );
    await stop(quiet);
  });
});
