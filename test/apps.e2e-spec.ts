// Every app boots, validates its configuration, logs JSON, answers health and readiness, and
// shuts down in order on SIGTERM — as separate processes, the way they are deployed.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { anSloDefinition } from '#testing';
import { testKafkaBrokers } from '#testing/infra';
import { freshDataDir, startProcess } from './support/app-process.js';

const main = (app: string) => `dist/apps/${app}/src/main.js`;

/** Readiness may take a moment (e.g. the api loads its risk history): poll, bounded. */
async function whenReady(
  url: string,
): Promise<{ status: number; body: { ready: boolean; checks: Record<string, boolean> } }> {
  for (let attempt = 0; ; attempt++) {
    const response = await fetch(`${url}/health/ready`);
    const body = (await response.json()) as { ready: boolean; checks: Record<string, boolean> };
    if (response.status === 200 || attempt >= 120) return { status: response.status, body };
    await new Promise((r) => setTimeout(r, 250));
  }
}
const CONFIG_ERROR_EXIT = 78;

describe('configuration errors stop an app with a message naming the setting', () => {
  it('a missing broker list', async () => {
    const proc = startProcess(main('ingest'), [], { AFTERSHOCK_BUS: 'kafka' });
    const { code } = await proc.exited();
    assert.equal(code, CONFIG_ERROR_EXIT);
    assert.match(proc.stderr(), /KAFKA_BROKERS: is required when AFTERSHOCK_BUS=kafka/);
  });

  it('unparsable settings, all named at once', async () => {
    const proc = startProcess(main('recorder'), [], {
      KAFKA_BROKERS: 'localhost',
      HTTP_PORT: 'eighty',
      KAFKA_TOPIC_RETENTION: 'forever',
    });
    const { code } = await proc.exited();
    assert.equal(code, CONFIG_ERROR_EXIT);
    const stderr = proc.stderr();
    assert.match(stderr, /HTTP_PORT: "eighty" is not an integer/);
    assert.match(stderr, /KAFKA_BROKERS: "localhost" is not host:port/);
    assert.match(stderr, /KAFKA_TOPIC_RETENTION: "forever" is not a duration/);
  });
});

describe('an app’s own settings are checked at start with the shared ones, in one message', () => {
  const own: Record<string, [Record<string, string>, RegExp]> = {
    correlator: [{ CORRELATOR_IDLE_TIMEOUT: 'soon' }, /CORRELATOR_IDLE_TIMEOUT: "soon" is not a duration/],
    api: [{ API_WRITE_RATE: 'fast' }, /API_WRITE_RATE: "fast" is not/],
    recorder: [
      { AFTERSHOCK_TELEMETRY_RETENTION: 'ever' },
      /AFTERSHOCK_TELEMETRY_RETENTION: "ever" is not a duration/,
    ],
    ingest: [{ INGEST_RAW_TOPICS: '=' }, /INGEST_RAW_TOPICS: /],
  };
  for (const [app, [env, message]] of Object.entries(own)) {
    it(`${app}: a bad setting of its own and a bad shared one, both named, exit ${CONFIG_ERROR_EXIT}`, async () => {
      const proc = startProcess(main(app), [], { KAFKA_BROKERS: '127.0.0.1:9', HTTP_PORT: 'eighty', ...env });
      assert.equal((await proc.exited()).code, CONFIG_ERROR_EXIT);
      assert.match(proc.stderr(), message);
      assert.match(proc.stderr(), /HTTP_PORT: "eighty" is not an integer/);
    });
  }
});

describe('settings every app shares are read once, the same way, by every app', () => {
  const refused = async (app: string, env: Record<string, string>, message: RegExp) => {
    const proc = startProcess(main(app), [], { KAFKA_BROKERS: '127.0.0.1:9', ...env });
    assert.equal((await proc.exited()).code, CONFIG_ERROR_EXIT);
    assert.match(proc.stderr(), message);
  };
  for (const app of ['ingest', 'correlator', 'recorder', 'problems', 'api']) {
    it(`${app} refuses a wire format it does not know, and confluent without a registry, naming the setting`, async () => {
      await refused(
        app,
        { AFTERSHOCK_WIRE_FORMAT: 'protobuf' },
        /AFTERSHOCK_WIRE_FORMAT: "protobuf" is not one of avro, json, confluent/,
      );
      await refused(
        app,
        { AFTERSHOCK_WIRE_FORMAT: 'confluent' },
        /SCHEMA_REGISTRY_URL: is required with AFTERSHOCK_WIRE_FORMAT=confluent/,
      );
    });
  }
});

describe('service mode on the real broker', () => {
  for (const app of ['ingest', 'correlator', 'recorder', 'problems', 'api']) {
    it(`${app} boots, is ready, and stops in order on SIGTERM`, async () => {
      const brokers = await testKafkaBrokers();
      const dataDir = freshDataDir();
      // In service mode the schema comes from one `aftershock migrate` step before the apps start.
      const migrate = startProcess('bin/aftershock.js', ['migrate', '--data-dir', dataDir], {});
      assert.equal((await migrate.exited()).code, 0, migrate.stderr());
      const proc = startProcess(main(app), [], {
        KAFKA_BROKERS: brokers.join(','),
        HTTP_PORT: '0',
        AFTERSHOCK_DATA_DIR: dataDir,
      });
      const started = await proc.waitForLog((l) => l.msg === 'started');
      assert.equal(started.app, app);
      // Started without AFTERSHOCK_TOKENS: the apps that serve authenticated routes say so.
      const warned = proc.lines.some(
        (l) => l.level === 'warn' && /no access tokens configured/.test(String(l.msg)),
      );
      assert.equal(
        warned,
        app === 'ingest' || app === 'api',
        `${app}: a warning that no token is configured`,
      );
      const live = await fetch(`${String(started.url)}/health/live`);
      assert.equal(live.status, 200);
      assert.equal(((await live.json()) as { app: string }).app, app);
      const ready = await whenReady(String(started.url));
      const body = ready.body;
      assert.equal(ready.status, 200, JSON.stringify(body));
      assert.equal(body.checks.bus, true);
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited();
      assert.equal(code, 0, proc.stderr());
      const steps = proc.lines.filter((l) => l.msg === 'shutdown step done').map((l) => l.phase);
      assert.ok(steps.includes('disconnect'), `shutdown steps: ${JSON.stringify(steps)}`);
      assert.ok(
        proc.lines.every((l) => !('nonJson' in l)),
        'every stdout line is JSON',
      );
    });
  }
});

describe('all-in-one through the aftershock CLI', () => {
  it('`aftershock start` runs on the embedded durable log and chDB, then shuts down in order', async () => {
    const proc = startProcess(
      'bin/aftershock.js',
      ['start', '--port', '0', '--data-dir', freshDataDir()],
      {},
    );
    const started = await proc.waitForLog((l) => l.msg === 'started');
    assert.equal(started.bus, 'embedded');
    assert.equal(started.store, 'chdb');
    const ready = await whenReady(String(started.url));
    assert.equal(ready.status, 200, JSON.stringify(ready.body));
    assert.deepEqual(ready.body.checks, { bus: true, clickhouse: true, 'risk-history': true });
    proc.child.kill('SIGTERM');
    const { code } = await proc.exited();
    assert.equal(code, 0, proc.stderr());
    const steps = proc.lines.filter((l) => l.msg === 'shutdown step done').map((l) => `${l.phase}:${l.step}`);
    assert.ok(
      steps.includes('disconnect:message bus') && steps.includes('disconnect:clickhouse store'),
      JSON.stringify(steps),
    );
    const order = ['close-door', 'stop-intake', 'drain', 'flush', 'commit', 'disconnect'];
    const ranks = steps.map((s) => order.indexOf(s.split(':')[0]!));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
      `phases in order: ${JSON.stringify(steps)}`,
    );
    assert.ok(
      steps.some((s) => s.startsWith('stop-intake:consumer')),
      'consumers stop first',
    );
  });

  it('a SIGTERM while the app is starting is kept: the app finishes starting, then stops in order with exit 0', async () => {
    const proc = startProcess(
      'bin/aftershock.js',
      ['start', '--port', '0', '--data-dir', freshDataDir()],
      {},
    );
    // The first log line comes from inside the start-up (Nest creating the app), long before
    // the embedded store is migrated and the app listens.
    await proc.waitForLog(() => true);
    proc.child.kill('SIGTERM');
    const { code, signal } = await proc.exited();
    assert.equal(signal, null, 'not killed by the signal');
    assert.equal(code, 0, proc.stderr());
    const said = proc.lines.map((l) => l.msg);
    assert.ok(said.indexOf('started') >= 0, 'the start-up was finished');
    assert.ok(said.indexOf('shutting down') > said.indexOf('started'), JSON.stringify(said));
    assert.ok(said.includes('stopped'), JSON.stringify(said));
  });

  it('a SIGTERM while start-up hangs on a broker that never answers: exit 1 after SHUTDOWN_TIMEOUT, not when the broker gives up', async () => {
    // A "broker" that accepts connections and never answers: the bus connect hangs.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const proc = startProcess(main('correlator'), [], {
        KAFKA_BROKERS: `127.0.0.1:${port}`,
        SHUTDOWN_TIMEOUT: '2s',
        HTTP_PORT: '0',
      });
      await proc.waitForLog(() => true);
      proc.child.kill('SIGTERM');
      const { code, signal } = await proc.exited();
      assert.equal(signal, null, 'not killed by the signal');
      assert.equal(code, 1);
      assert.match(proc.stderr(), /SIGTERM while starting, not started 2000 ms later: exiting/);
      assert.ok(!proc.lines.some((l) => l.msg === 'started'), 'it never started');
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });

  it('an SLO written through the api survives kill -9: acknowledged means kept, for the api and the correlator', async () => {
    const dataDir = freshDataDir();
    const token = 'slo-writer-0123456789abcdef';
    const env = { AFTERSHOCK_TOKENS: `sre=read+write:${token}` };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const start = async () => {
      const proc = startProcess('bin/aftershock.js', ['start', '--port', '0', '--data-dir', dataDir], env);
      return { proc, url: String((await proc.waitForLog((l) => l.msg === 'started')).url) };
    };
    const first = await start();
    const written = anSloDefinition();
    const put = await fetch(`${first.url}/api/v1/slos/${written.name}`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ openslo: written.openslo }),
    });
    assert.equal(put.status, 200, await put.text());
    first.proc.child.kill('SIGKILL');
    await first.proc.exited();

    const second = await start();
    try {
      const got = await fetch(`${second.url}/api/v1/slos/${written.name}`, { headers });
      assert.equal(got.status, 200, await got.clone().text());
      assert.equal(((await got.json()) as { slo: { source: string } }).slo.source, 'api');
      await second.proc.waitForLog(
        (l) => l.msg === 'SLOs alerted on' && String(l['added']).split(', ').includes(written.name),
        60_000,
      );
    } finally {
      second.proc.child.kill('SIGTERM');
      assert.equal((await second.proc.exited()).code, 0, second.proc.stderr());
    }
  });

  it('`aftershock migrate` applies migrations once; a second run applies nothing', async () => {
    const dataDir = freshDataDir();
    const first = startProcess('bin/aftershock.js', ['migrate', '--data-dir', dataDir], {});
    assert.equal((await first.exited()).code, 0, first.stderr());
    const second = startProcess('bin/aftershock.js', ['migrate', '--data-dir', dataDir], {});
    assert.equal((await second.exited()).code, 0, second.stderr());
    assert.ok(
      first.lines.some((l) => /^migrations: [1-9]\d* applied/.test(String(l.nonJson))),
      JSON.stringify(first.lines),
    );
    assert.ok(
      second.lines.some((l) => /^migrations: 0 applied/.test(String(l.nonJson))),
      JSON.stringify(second.lines),
    );
  });

  it('an unknown command says so and exits 2', async () => {
    const proc = startProcess('bin/aftershock.js', ['frobnicate'], {});
    assert.equal((await proc.exited()).code, 2);
    assert.match(proc.stderr(), /unknown command "frobnicate"/);
  });
});
