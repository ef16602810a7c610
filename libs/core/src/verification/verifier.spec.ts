import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TelemetryPoint, Verdict } from '#contracts';
import { aChange, aTelemetryBatch, MINUTE, requestsByStatus, T0 } from '#testing';
import { ManualClock } from '../clock.js';
import type { VerifierPort } from '../correlation/correlator.js';
import { SeededRandom } from '../stats/random.js';
import { effectiveSizeFactor, judgeMetric, type MetricInput } from './judge.js';
import { resolveSignal } from './signals.js';
import { formatValue } from './wording.js';
import { withStatusErrorSeries } from './status-errors.js';
import { DeploymentVerifier, labelKey } from './verifier.js';

const rng = new SeededRandom(5);
const noise = (n: number, mean: number, sd: number): number[] =>
  Array.from({ length: n }, () => rng.normal(mean, sd));

function input(metric: string, unit: string | null, baseline: number[], observation: number[]): MetricInput {
  const signal = resolveSignal(metric, unit);
  assert.ok(signal, `no signal for ${metric}`);
  return { metric, signal, baseline, observation, intervalMs: MINUTE };
}

describe('golden signals', () => {
  it('classifies common metric names and units', () => {
    const kind = (m: string, u: string | null = null) => resolveSignal(m, u)?.spec.kind ?? null;
    assert.equal(kind('http.server.request.duration.p95', 's'), 'latency');
    assert.equal(kind('http.server.request.duration.count', '1/s'), 'throughput');
    assert.equal(kind('PodServerLatencyP95(s)'), 'latency');
    assert.equal(kind('PodWorkload(Ops)'), 'throughput');
    assert.equal(kind('PodSuccessRate(%)'), 'error_ratio');
    assert.equal(kind('CpuUsageRate(%)'), 'saturation');
    assert.equal(kind('http_requests_total'), 'throughput');
    assert.equal(kind('http.server.active_requests'), null);
    assert.equal(kind('payment_errors_total'), 'error_ratio');
    assert.equal(kind('error_ratio'), 'error_ratio');
    assert.equal(kind('NetworkReceiveBytes'), null);
    const ms = resolveSignal('checkout.latency.p99', 'ms')!;
    assert.equal(ms.scale, 1e-3);
    const success = resolveSignal('PodSuccessRate(%)', null)!;
    assert.equal(success.complement, true);
    assert.equal(success.scale, 0.01);
  });
  it('writes UCUM byte units as people read them (MiBy → MiB), other units as given', () => {
    assert.equal(formatValue(279.26, 'MiBy'), '279 MiB');
    assert.equal(formatValue(512, 'By'), '512 B');
    assert.equal(formatValue(3.5, 'KiBy'), '3.5 KiB');
    assert.equal(formatValue(12.7, 'Mi'), '12.7 Mi');
    assert.equal(formatValue(4, '{request}/s'), '4/s');
  });
  it('reads rate units (Grafana ids and …/s, …/min) as per-second rates', () => {
    const rate = (m: string, u: string | null) => {
      const r = resolveSignal(m, u)!;
      return r.mode === 'rate' ? r.scale : null;
    };
    assert.equal(rate('PodWorkload(Ops)', 'Ops'), 1, 'Grafana "ops" is ops/sec');
    assert.equal(rate('http_requests', 'reqps'), 1);
    assert.equal(rate('http_requests', 'req/s'), 1);
    assert.equal(rate('http_requests', 'rpm'), 1 / 60);
    assert.equal(rate('http_requests', 'opm'), 1 / 60);
    assert.equal(rate('requests_per_minute', null), 1 / 60);
    assert.equal(rate('http_requests_total', null), null, 'a counter without a unit is per point');
    assert.equal(rate('payment_errors_total', '/min'), 1 / 60);
  });
  it('per-service overrides come first, and ignored metrics are not judged', () => {
    const overrides = {
      ignore: ['duration\\.p99'],
      signals: [
        {
          name: 'queue',
          pattern: '^jobs\\.backlog$',
          kind: 'saturation' as const,
          badDirection: 'up' as const,
          minEffect: 1,
          absoluteFloor: 100,
        },
      ],
    };
    assert.equal(resolveSignal('http.server.request.duration.p99', 's', undefined, overrides), null);
    assert.equal(resolveSignal('jobs.backlog', null, undefined, overrides)?.spec.name, 'queue');
  });
});

describe('the judge', () => {
  it('fails a +650% latency shift with a reason in words', () => {
    const a = judgeMetric(
      input('p95 latency', 's', noise(30, 0.12, 0.008), noise(15, 0.91, 0.04)),
      1e-4,
      true,
    );
    assert.equal(a.status, 'fail');
    assert.equal(a.judgement.test, 'mann-whitney');
    assert.match(a.judgement.reason, /^p95 latency rose from 1\d\d ms to 9\d\d ms \(\+6\d\d%\), p < 0\.001$/);
    assert.ok(a.judgement.effect! > 6);
  });
  it('fails a four-minute gross shift of rounded latencies at an early look', () => {
    // A network delay lifts four one-minute points ×50 over a baseline reported to the
    // millisecond (so values tie): as extreme as four points can rank, p = 1/C(34,4) ≈ 2·10⁻⁵,
    // which the normal approximation put at 7·10⁻⁴ — over an early look's level.
    const r = new SeededRandom(21);
    let e = 0;
    const baseline = Array.from(
      { length: 30 },
      () => Math.round(4 * Math.exp((e = 0.3 * e + r.normal(0, 0.2)))) / 1000,
    );
    const a = judgeMetric(input('p50 latency', 's', baseline, [0.2, 0.21, 0.19, 0.2]), 5e-5, false);
    assert.equal(a.status, 'fail', a.judgement.reason);
  });
  it('keeps the long-run autocorrelation factor for long samples and more of the evidence for few points', () => {
    assert.equal(effectiveSizeFactor(0, 30, 4), 1);
    const longRun = (1 - 0.3) / (1 + 0.3);
    assert.ok(Math.abs(effectiveSizeFactor(0.3, 3000, 4000) / longRun - 1) < 0.002);
    // Σᵢⱼ ρ^|i−j| / n² for the two means, computed apart: 0.6311.
    assert.ok(Math.abs(effectiveSizeFactor(0.3, 30, 4) - 0.6311) < 1e-3);
  });
  it('says a flat baseline began to vary (not ×Infinity) and a level that held (not from x to x)', () => {
    const a = judgeMetric(
      input(
        'MemoryUsage(Mi)',
        null,
        new Array(30).fill(12.7),
        [12.7, 13.3, 14.4, 13, 13.8, 12.9, 13.1, 13.5],
      ),
      1e-4,
      true,
    );
    assert.equal(a.judgement.test, 'variance');
    assert.match(a.judgement.reason, /^MemoryUsage\(Mi\) began to vary: the baseline was flat \(/);
    assert.doesNotMatch(a.judgement.reason, /Infinity/);
    const held = judgeMetric(
      input('p95 latency', 's', new Array(30).fill(0.1), [0.1, 0.1, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1]),
      1e-4,
      true,
    );
    assert.match(held.judgement.reason, /^p95 latency held at 100 ms, p = /);
  });
  it('passes a tiny but significant change and says why', () => {
    const a = judgeMetric(
      input('p95 latency', 's', noise(30, 0.12, 0.0005), noise(15, 0.1236, 0.0005)),
      1e-4,
      true,
    );
    assert.equal(a.status, 'pass');
    assert.ok(a.judgement.pValue! < 1e-6);
    assert.match(a.judgement.reason, /below the minimum effect of 20%/);
  });
  it('passes a large relative change under the absolute floor (2 ms → 4 ms)', () => {
    const a = judgeMetric(
      input('p95 latency', 's', noise(30, 0.002, 0.0001), noise(15, 0.004, 0.0001)),
      1e-4,
      true,
    );
    assert.equal(a.status, 'pass');
    assert.match(a.judgement.reason, /below the absolute floor of 5 ms/);
  });
  it('fails sparse errors against a zero baseline with the rate test', () => {
    const a = judgeMetric(input('errors', null, new Array(30).fill(0), [0, 0, 0, 3, 0, 5]), 1e-4, false);
    assert.equal(a.status, 'fail');
    assert.equal(a.judgement.test, 'rate');
    assert.equal(a.judgement.effect, null, 'infinite effect from a zero baseline is reported as null');
  });
  it('does not fail falling latency or rising throughput (good directions)', () => {
    assert.equal(
      judgeMetric(input('p95 latency', 's', noise(30, 0.5, 0.01), noise(15, 0.1, 0.01)), 1e-4, true).status,
      'pass',
    );
    assert.equal(
      judgeMetric(input('http_requests_total', null, noise(30, 100, 5), noise(15, 300, 5)), 1e-4, true)
        .status,
      'pass',
    );
    assert.equal(
      judgeMetric(input('http_requests_total', null, noise(30, 100, 5), noise(15, 20, 5)), 1e-4, true).status,
      'fail',
    );
  });
  it('never passes without data', () => {
    const none = judgeMetric(input('p95 latency', 's', [], noise(15, 0.1, 0.01)), 1e-4, true);
    assert.equal(none.judgement.outcome, 'inconclusive');
    assert.equal(none.status, 'no-baseline');
    const vanished = judgeMetric(input('p95 latency', 's', noise(30, 0.1, 0.01), []), 1e-4, true);
    assert.equal(vanished.status, 'vanished');
    assert.equal(vanished.score, 50);
  });
});

/** checkout's p95 latency: 40 calm minutes before T0, six times higher for 20 minutes after it. */
function slowdownAfterT0(v: DeploymentVerifier, r: SeededRandom): Verdict[] {
  return [
    ...v.observeTelemetry(
      aTelemetryBatch({
        points: points('latency.p95', 's', T0 - 40 * MINUTE, T0, () => r.normal(0.1, 0.005)),
      }),
    ),
    ...v.observeTelemetry(
      aTelemetryBatch({
        points: points('latency.p95', 's', T0, T0 + 20 * MINUTE, () => r.normal(0.6, 0.02)),
      }),
    ),
  ];
}

function points(
  metric: string,
  unit: string | null,
  from: number,
  to: number,
  value: (i: number) => number,
  step = MINUTE,
): TelemetryPoint[] {
  const out: TelemetryPoint[] = [];
  let i = 0;
  for (let t = from; t < to; t += step)
    out.push({ metric, value: value(i++), timestamp: t, unit, labels: {} });
  return out;
}

describe('DeploymentVerifier', () => {
  it('uses telemetry that arrived before the change, and a redelivered change is verified once', () => {
    const v = new DeploymentVerifier();
    const port: VerifierPort = v; // the correlator's port
    assert.ok(port);
    const r = new SeededRandom(9);
    v.observeTelemetry(
      aTelemetryBatch({
        points: points('latency.p95', 's', T0 - 40 * MINUTE, T0, () => r.normal(0.1, 0.005)),
      }),
    );
    const change = aChange({ id: 'c1', service: 'checkout', startedAt: T0 });
    assert.deepEqual(v.observeChange(change), []);
    assert.deepEqual(v.observeChange(change), []);
    assert.deepEqual(v.activeChanges(), ['c1']);
    const out = v.observeTelemetry(
      aTelemetryBatch({
        points: points('latency.p95', 's', T0, T0 + 20 * MINUTE, () => r.normal(0.6, 0.02)),
      }),
    );
    const final = out.find((x) => x.final);
    assert.equal(final?.outcome, 'fail');
    assert.equal(final?.baselineStart, T0 - 30 * MINUTE);
    assert.deepEqual(v.activeChanges(), []);
    assert.deepEqual(v.observeChange(change), [], 'a finished change is not verified again');
  });

  it('drops and counts points older than the watermark; accepts them within the lateness bound', () => {
    const v = new DeploymentVerifier({ allowedLatenessMs: 30_000 });
    v.observeTelemetry(
      aTelemetryBatch({ points: points('latency.p95', 's', T0, T0 + 10 * MINUTE, () => 0.1) }),
    );
    const last = T0 + 9 * MINUTE;
    v.observeTelemetry(
      aTelemetryBatch({
        points: [{ metric: 'latency.p95', value: 0.1, timestamp: last - 20_000, unit: 's', labels: {} }],
      }),
    );
    assert.equal(v.stats().droppedLate, 0);
    v.observeTelemetry(
      aTelemetryBatch({
        points: [{ metric: 'latency.p95', value: 0.1, timestamp: last - 40_000, unit: 's', labels: {} }],
      }),
    );
    assert.equal(v.stats().droppedLate, 1);
    assert.equal(v.watermark('checkout'), last - 30_000);
  });

  it('a service whose telemetry lags behind the others keeps it: late is per service', () => {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(11);
    // Another partition is a quarter of an hour ahead (its consumer caught up first after a restart).
    v.observeTelemetry(
      aTelemetryBatch({
        service: 'search',
        points: points('latency.p95', 's', T0, T0 + 15 * MINUTE, () => 0.1),
      }),
    );
    const out = [
      ...v.observeChange(aChange({ id: 'slow-1', service: 'checkout', startedAt: T0 })),
      ...slowdownAfterT0(v, r),
    ];
    assert.equal(v.stats().droppedLate, 0);
    assert.equal(out.find((x) => x.final)?.outcome, 'fail');
  });

  it('a change reported after its windows closed waits for its own telemetry, then for the idle timeout', () => {
    const clock = new ManualClock(T0 + 60 * MINUTE);
    const v = new DeploymentVerifier({}, clock);
    const r = new SeededRandom(12);
    v.observeTelemetry(
      aTelemetryBatch({
        service: 'search',
        points: points('latency.p95', 's', T0, T0 + 60 * MINUTE, () => 0.1),
      }),
    );
    v.advanceWatermark(clock.now() - MINUTE); // wall time says everything up to a minute ago is in
    // Reported an hour after it began: other services' progress must not judge it before its data comes.
    assert.deepEqual(v.observeChange(aChange({ id: 'late-1', service: 'checkout', startedAt: T0 })), []);
    assert.deepEqual(v.advanceWatermark(clock.now() - MINUTE), []);
    const out = [...slowdownAfterT0(v, r)];
    assert.equal(out.find((x) => x.final)?.outcome, 'fail', 'judged on its own telemetry');
    // A silent service's late change is judged once the idle timeout has passed since it became known.
    assert.deepEqual(v.observeChange(aChange({ id: 'late-2', service: 'email', startedAt: T0 })), []);
    clock.advance(v.settings.idleTimeoutMs);
    const idle = v.advanceWatermark(clock.now() - MINUTE);
    assert.equal(idle.find((x) => x.final)?.outcome, 'inconclusive');
  });

  it('keeps memory bounded: history by time and points, series per service, unjudged metrics not buffered', () => {
    const v = new DeploymentVerifier({ maxPointsPerSeries: 100, maxSeriesPerService: 10 });
    v.observeTelemetry(
      aTelemetryBatch({ points: points('latency.p95', 's', T0, T0 + 3 * 3_600_000, () => 0.1, 10_000) }),
    );
    const st = v.stats();
    assert.equal(st.series, 1);
    assert.ok(st.bufferedPoints <= 100, `buffered ${st.bufferedPoints}`);
    const labelled = Array.from({ length: 30 }, (_, i) => ({
      metric: 'latency.p95',
      value: 0.1,
      timestamp: T0 + 3 * 3_600_000,
      unit: 's',
      labels: { pod: `p${i}` },
    }));
    v.observeTelemetry(aTelemetryBatch({ points: labelled }));
    assert.equal(v.stats().series, 10);
    assert.ok(v.stats().droppedSeries > 0);
    const w = new DeploymentVerifier();
    w.observeTelemetry(
      aTelemetryBatch({ points: points('network.bytes', 'By', T0, T0 + 10 * MINUTE, () => 5) }),
    );
    assert.equal(w.stats().bufferedPoints, 0);
  });

  it('emits interim looks with ids changeId/look, then a final one; a silent service still closes via the clock', () => {
    const clock = new ManualClock(T0);
    const v = new DeploymentVerifier({}, clock);
    const r = new SeededRandom(3);
    v.observeTelemetry(
      aTelemetryBatch({
        points: points('latency.p95', 's', T0 - 30 * MINUTE, T0, () => r.normal(0.1, 0.005)),
      }),
    );
    v.observeChange(aChange({ id: 'c2', service: 'checkout', startedAt: T0 }));
    const seen: string[] = [];
    for (let m = 0; m < 10; m++) {
      const out = v.observeTelemetry(
        aTelemetryBatch({
          points: points('latency.p95', 's', T0 + m * MINUTE, T0 + (m + 1) * MINUTE, () =>
            r.normal(0.1, 0.005),
          ),
        }),
      );
      seen.push(...out.map((x) => x.id));
    }
    assert.ok(seen.includes('c2/3') && seen.includes('c2/8'), seen.join(' '));
    // The service goes silent after 10 minutes: the clock (processing time) closes the rest.
    clock.set(T0 + 30 * MINUTE);
    const rest = v.poll();
    const final = rest.at(-1)!;
    assert.equal(final.id, 'c2/17');
    assert.equal(final.final, true);
    assert.equal(final.outcome, 'inconclusive', 'latency stopped reporting after the change: not a pass');
    assert.match(
      final.summary,
      /Inconclusive after 17 min: latency.p95: stopped reporting 8 min before the end/,
    );
  });

  it('pairs error counts with request counts of the same labels', () => {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(4);
    const labels = { route: '/pay' };
    const mk = (metric: string, from: number, to: number, f: () => number): TelemetryPoint[] =>
      points(metric, null, from, to, f).map((p) => ({ ...p, labels }));
    v.observeTelemetry(
      aTelemetryBatch({
        points: [
          ...mk('http_requests_total', T0 - 30 * MINUTE, T0, () => 1000),
          ...mk('http_errors_total', T0 - 30 * MINUTE, T0, () => r.poisson(2)),
        ],
      }),
    );
    v.observeChange(aChange({ id: 'c3', service: 'checkout', startedAt: T0 }));
    const out = v.observeTelemetry(
      aTelemetryBatch({
        points: [
          ...mk('http_requests_total', T0, T0 + 20 * MINUTE, () => 1000),
          ...mk('http_errors_total', T0, T0 + 20 * MINUTE, () => r.poisson(30)),
        ],
      }),
    );
    const fail = out.find((x) => x.outcome === 'fail')!;
    assert.ok(fail, 'the error rise fails the deploy');
    const j = fail.metrics[0]!;
    assert.equal(j.metric, `http_errors_total${labelKey(labels)}`);
    assert.match(j.reason, /error ratio rose from 0\.\d+% \(\d+ of 30,000 requests\)/);
  });

  it('weighs error ratios by the request rate over the point interval (ops/s × 60 s)', () => {
    // 9 ops/s is 540 requests a minute: 4% errors for 3 minutes is ~65 failed requests, not ~1.
    const judge = (unit: string) => {
      const v = new DeploymentVerifier();
      const mk = (from: number, to: number, success: number): TelemetryPoint[] => [
        ...points('PodWorkload(Ops)', unit, from, to, () => 9),
        ...points('SuccessRate(%)', null, from, to, () => success),
      ];
      v.observeTelemetry(aTelemetryBatch({ points: mk(T0 - 30 * MINUTE, T0, 100) }));
      v.observeChange(aChange({ id: 'c4', service: 'checkout', startedAt: T0 }));
      const out: Verdict[] = [];
      for (let t = T0; t < T0 + 5 * MINUTE; t += MINUTE)
        out.push(...v.observeTelemetry(aTelemetryBatch({ points: mk(t, t + 1, 96) })));
      return out.find((x) => x.look === 3)!;
    };
    const perSecond = judge('Ops');
    assert.equal(perSecond.outcome, 'fail', perSecond.summary);
    assert.match(perSecond.metrics[0]!.reason, /of 1,620\)/);
    const perPoint = judge('');
    assert.notEqual(perPoint.outcome, 'fail', 'read as 9 requests a minute, 1 failure in 27 proves nothing');
  });
});

describe('a newer change on the same service', () => {
  // Latency 100 ms; a second change 6 minutes after the first brings a regression to 400 ms.
  const first = T0;
  const second = T0 + 6 * MINUTE;
  function run(order: 'in-order' | 'second-first' | 'second-late'): Verdict[] {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(8);
    const out: Verdict[] = [];
    if (order === 'second-first') out.push(...v.observeChange(aChange({ id: 'second', startedAt: second })));
    for (let t = T0 - 40 * MINUTE; t < T0 + 30 * MINUTE; t += MINUTE) {
      if (t === first) out.push(...v.observeChange(aChange({ id: 'first', startedAt: first })));
      if (t === second && order === 'in-order')
        out.push(...v.observeChange(aChange({ id: 'second', startedAt: second })));
      if (t === second + 3 * MINUTE && order === 'second-late')
        out.push(...v.observeChange(aChange({ id: 'second', startedAt: second })));
      const value = t >= second ? r.normal(0.4, 0.02) : r.normal(0.1, 0.005);
      out.push(
        ...v.observeTelemetry(aTelemetryBatch({ points: points('latency.p95', 's', t, t + 1, () => value) })),
      );
    }
    return out;
  }

  it('ends the older change’s observation at its start: the regression fails the newer one only', () => {
    for (const order of ['in-order', 'second-first'] as const) {
      const out = run(order);
      const a = out.filter((x) => x.changeId === 'first');
      const finalA = a.find((x) => x.final)!;
      assert.equal(finalA.outcome, 'pass', `${order}: ${finalA.summary}`);
      assert.equal(finalA.decidedAt, second, order);
      assert.equal(finalA.observationEnd, second);
      assert.match(
        finalA.summary,
        /the observation ended after 6 min, when change second on the same service started/,
      );
      assert.ok(a.every((x) => x.outcome !== 'fail'));
      assert.equal(out.find((x) => x.changeId === 'second' && x.final)?.outcome, 'fail', order);
    }
  });

  it('a newer change reported late cuts the older one at its next look (looks already taken stand)', () => {
    const a = run('second-late').filter((x) => x.changeId === 'first');
    // Looks 7–9 were taken before the newer change was known; the regression fails the older
    // change at one of them, which cannot be undone. What matters: it ends by look 10.
    assert.ok(a.at(-1)!.final);
    assert.ok(a.at(-1)!.decidedAt <= second + 4 * MINUTE, a.at(-1)!.summary);
  });
});

describe('a newer change on the same service before the older could be judged', () => {
  // Latency 100 ms; a regression to 400 ms from the first change on; a second change (or its
  // rollback) a minute later, before the first has the points or the minutes to fail on its own.
  const first = T0;
  const second = T0 + MINUTE;
  function run(rollback: boolean): Verdict[] {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(9);
    const out: Verdict[] = [];
    for (let t = T0 - 40 * MINUTE; t < T0 + 30 * MINUTE; t += MINUTE) {
      if (t === first) out.push(...v.observeChange(aChange({ id: 'first', startedAt: first })));
      if (t === second)
        out.push(
          ...v.observeChange(
            aChange({ id: 'second', startedAt: second, ...(rollback ? { rollbackOf: 'first' } : {}) }),
          ),
        );
      const value = t >= first ? r.normal(0.4, 0.02) : r.normal(0.1, 0.005);
      out.push(
        ...v.observeTelemetry(aTelemetryBatch({ points: points('latency.p95', 's', t, t + 1, () => value) })),
      );
    }
    return out;
  }

  it('judges the two together: the older change fails on the window, and says so', () => {
    const a = run(false).filter((x) => x.changeId === 'first');
    const fail = a.find((x) => x.outcome === 'fail');
    assert.ok(fail, a.at(-1)?.summary);
    assert.ok(fail.observationEnd > second);
    assert.match(
      fail.summary,
      /judged together with change second on the same service, begun 1 min after it/,
    );
  });

  it('a rollback still ends the older change’s observation at its start', () => {
    const a = run(true).filter((x) => x.changeId === 'first');
    assert.ok(a.every((x) => x.outcome !== 'fail'));
    assert.equal(a.find((x) => x.final)?.observationEnd, second);
  });
});

describe('baseline hygiene', () => {
  // Latency 100 ms, with a 5-minute regression to 400 ms after each of two changes 12 minutes
  // apart (a run of bad changes on one service, each rolled back after a few minutes).
  const first = T0;
  const second = T0 + 12 * MINUTE;
  const bad = (t: number) =>
    (t >= first && t < first + 5 * MINUTE) || (t >= second && t < second + 5 * MINUTE);
  function run(reportFirst: boolean): { first: Verdict[]; second: Verdict[] } {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(21);
    const out: Verdict[] = [];
    for (let t = T0 - 45 * MINUTE; t < T0 + 40 * MINUTE; t += MINUTE) {
      if (reportFirst && t === first)
        out.push(...v.observeChange(aChange({ id: 'first', startedAt: first })));
      if (t === second) out.push(...v.observeChange(aChange({ id: 'second', startedAt: second })));
      const value = bad(t) ? r.normal(0.4, 0.02) : r.normal(0.1, 0.005);
      out.push(
        ...v.observeTelemetry(aTelemetryBatch({ points: points('latency.p95', 's', t, t + 1, () => value) })),
      );
    }
    return {
      first: out.filter((x) => x.changeId === 'first'),
      second: out.filter((x) => x.changeId === 'second'),
    };
  }

  it("leaves an earlier failed change's window out of the next change's baseline, reaching further back", () => {
    const { first: a, second: b } = run(true);
    assert.equal(a.find((x) => x.final)?.outcome, 'fail');
    const fail = b.find((x) => x.outcome === 'fail');
    assert.ok(fail, `the second regression fails too: ${b.at(-1)?.summary}`);
    assert.match(
      fail.summary,
      /the baseline leaves out the windows of earlier failed changes \(12 min after first\)/,
    );
    // 30 minutes of clean baseline: the 12 minutes since the first change are replaced by older ones.
    assert.equal(fail.baselineStart, first - 30 * MINUTE);
    assert.ok(fail.metrics[0]!.baselineValue! < 0.15, fail.metrics[0]!.reason);
  });

  it('keeps the whole baseline when no earlier change failed; five bad minutes in it do not hide the same regression', () => {
    const { second: b } = run(false);
    const final = b.find((x) => x.final)!;
    assert.equal(final.baselineStart, second - 30 * MINUTE);
    assert.doesNotMatch(final.summary, /leaves out/);
    // The earlier burst is not read as autocorrelation (robustLag1Autocorrelation), so the rank
    // test still sees a regression against a baseline that was mostly fine.
    assert.equal(final.outcome, 'fail', final.summary);
  });
});

describe('service-graph edges', () => {
  it("judges a callee's change on the latency its callers measure, whichever batch carries it", () => {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(8);
    const edge = { client: 'frontend', server: 'checkout' };
    const out: Verdict[] = [];
    for (let t = T0 - 30 * MINUTE; t < T0 + 25 * MINUTE; t += MINUTE) {
      if (t === T0) {
        out.push(...v.observeChange(aChange({ id: 'callee', service: 'checkout', startedAt: T0 })));
        out.push(...v.observeChange(aChange({ id: 'caller', service: 'frontend', startedAt: T0 })));
      }
      // The callee's own latency stays flat; the network in front of it adds 300 ms after the change.
      const own = r.normal(0.005, 0.0002);
      const seen = own + (t >= T0 ? 0.3 : 0) + r.normal(0.002, 0.0002);
      out.push(
        ...v.observeTelemetry(
          aTelemetryBatch({
            service: 'checkout',
            points: points('server.latency', 's', t, t + 1, () => own),
          }),
        ),
        ...v.observeTelemetry(
          aTelemetryBatch({
            service: 'frontend',
            points: points('client.latency', 's', t, t + 1, () => seen).map((p) => ({ ...p, labels: edge })),
          }),
        ),
      );
    }
    const callee = out.find((x) => x.changeId === 'callee' && x.final)!;
    assert.equal(callee.outcome, 'fail', callee.summary);
    assert.equal(callee.metrics[0]!.metric, 'client.latency{client="frontend",server="checkout"}');
    const caller = out.find((x) => x.changeId === 'caller' && x.final)!;
    assert.equal(caller.outcome, 'inconclusive', 'the edge is not telemetry of the caller');
    assert.match(caller.summary, /No telemetry from frontend/);

    const plain = new DeploymentVerifier({ edgeLabels: null });
    plain.observeTelemetry(
      aTelemetryBatch({
        service: 'frontend',
        points: points('client.latency', 's', T0, T0 + MINUTE, () => 0.1).map((p) => ({
          ...p,
          labels: edge,
        })),
      }),
    );
    assert.equal(plain.stats().services, 1, 'edgeLabels: null keeps points with their batch');
  });
});

describe("neighbours' views", () => {
  // frontend calls payments and search; payments and search share a node with nobody else.
  const topology = {
    callersOf: (s: string) => (s === 'payments' || s === 'search' ? ['frontend'] : []),
    dependenciesOf: (s: string) => (s === 'frontend' ? ['payments', 'search'] : []),
  };

  /**
   * A change on payments at T0; frontend's client latency ×5 from `riseAt`; optionally a change
   * on search too (at T0 − 1 min unless said).
   */
  function callerRun(searchChanges: boolean, searchAt = T0 - MINUTE, riseAt = T0): Verdict[] {
    const v = new DeploymentVerifier();
    v.useTopology(topology);
    const r = new SeededRandom(31);
    const out: Verdict[] = [];
    for (let t = T0 - 35 * MINUTE; t < T0 + 25 * MINUTE; t += MINUTE) {
      if (searchChanges && t <= searchAt && searchAt < t + MINUTE)
        out.push(
          ...v.observeChange(aChange({ id: 'search-deploy', service: 'search', startedAt: searchAt })),
        );
      if (t === T0)
        out.push(...v.observeChange(aChange({ id: 'payments-deploy', service: 'payments', startedAt: T0 })));
      const own = (service: string) =>
        aTelemetryBatch({
          service,
          points: points('server.latency', 's', t, t + 1, () => r.normal(0.02, 0.001)),
        });
      out.push(...v.observeTelemetry(own('payments')), ...v.observeTelemetry(own('search')));
      const client = r.normal(0.05, 0.003) * (t >= riseAt ? 5 : 1);
      out.push(
        ...v.observeTelemetry(
          aTelemetryBatch({
            service: 'frontend',
            points: points('http.client.duration.p95', 's', t, t + 1, () => client),
          }),
        ),
      );
    }
    return out.filter((x) => x.changeId === 'payments-deploy');
  }

  it("judges a change on its callers' aggregate client latency, where its own metrics do not move", () => {
    const fail = callerRun(false).find((x) => x.outcome === 'fail');
    assert.ok(fail, 'the callers’ view fails the change');
    assert.equal(fail.metrics[0]!.metric, 'http.client.duration.p95{caller="frontend"}');
  });

  it("does not fail it on that view when the caller's other dependency changed in the same window", () => {
    const verdicts = callerRun(true);
    assert.ok(
      verdicts.every((x) => x.outcome !== 'fail'),
      verdicts.at(-1)!.summary,
    );
    const final = verdicts.find((x) => x.final)!;
    assert.equal(final.outcome, 'inconclusive');
    assert.match(
      final.metrics.map((m) => m.reason).join('\n'),
      /frontend's other dependency search changed in the same window/,
    );
  });

  it('fails it all the same when the view stayed put for minutes after the other change and rose with this one', () => {
    const fail = callerRun(true, T0 - 4 * MINUTE).find((x) => x.outcome === 'fail');
    assert.ok(
      fail,
      'search changed 4 minutes earlier and frontend’s view did not move until payments changed',
    );
    assert.equal(fail.metrics[0]!.metric, 'http.client.duration.p95{caller="frontend"}');
  });

  it('fails it all the same when the view had risen before the other change began', () => {
    const fail = callerRun(true, T0 + 2.5 * MINUTE).find((x) => x.outcome === 'fail');
    assert.ok(fail, 'the view rose at T0; search changed 2.5 minutes later');
  });

  it('does not fail it when the view rose with the other change, before this one', () => {
    const verdicts = callerRun(true, T0 - 4 * MINUTE, T0 - 4 * MINUTE);
    assert.ok(
      verdicts.every((x) => x.outcome !== 'fail'),
      verdicts.at(-1)!.summary,
    );
  });

  /**
   * A change on payments at T0 whose wrong answers show only in frontend's own error ratio (from
   * 0.5% to 8% at T0); frontend reports no client-side errors unless `clientErrors`; optionally
   * a change on search at T0 − 1 min, or on ledger (which payments calls) at T0 − 1 min.
   */
  function ownErrorsRun(opts: { clientErrors?: boolean; alsoChanged?: 'search' | 'ledger' }): Verdict[] {
    const v = new DeploymentVerifier();
    v.useTopology({
      callersOf: (s: string) =>
        s === 'payments' || s === 'search' ? ['frontend'] : s === 'ledger' ? ['payments'] : [],
      dependenciesOf: (s: string) =>
        s === 'frontend' ? ['payments', 'search'] : s === 'payments' ? ['ledger'] : [],
    });
    const r = new SeededRandom(37);
    const out: Verdict[] = [];
    for (let t = T0 - 35 * MINUTE; t < T0 + 25 * MINUTE; t += MINUTE) {
      if (opts.alsoChanged && t === T0 - MINUTE)
        out.push(
          ...v.observeChange(aChange({ id: 'other', service: opts.alsoChanged, startedAt: T0 - MINUTE })),
        );
      if (t === T0)
        out.push(...v.observeChange(aChange({ id: 'payments-deploy', service: 'payments', startedAt: T0 })));
      for (const service of ['payments', 'search', 'ledger'])
        out.push(
          ...v.observeTelemetry(
            aTelemetryBatch({
              service,
              points: points('server.latency', 's', t, t + 1, () => r.normal(0.02, 0.001)),
            }),
          ),
        );
      const errors = Math.max(0, r.normal(t >= T0 ? 0.08 : 0.005, 0.002));
      const frontend = [
        ...points('http.server.error.ratio', '1', t, t + 1, () => errors),
        ...(opts.clientErrors ? points('http.client.error.ratio', '1', t, t + 1, () => 0.001) : []),
      ];
      out.push(...v.observeTelemetry(aTelemetryBatch({ service: 'frontend', points: frontend })));
    }
    return out.filter((x) => x.changeId === 'payments-deploy');
  }

  it("judges a change on its caller's own errors when the caller reports none per call", () => {
    const fail = ownErrorsRun({}).find((x) => x.outcome === 'fail');
    assert.ok(fail, "frontend's errors rose with the change and nothing else changed");
    assert.equal(fail.metrics[0]!.metric, 'http.server.error.ratio{caller="frontend"}');
  });

  it("uses the caller's client-side errors instead where it reports them", () => {
    const verdicts = ownErrorsRun({ clientErrors: true });
    assert.ok(
      verdicts.every((x) => x.outcome !== 'fail'),
      'the client-side view stayed put; the own errors are not a view of payments then',
    );
    assert.ok(
      verdicts.every((x) =>
        x.metrics.every((m) => m.metric !== 'http.server.error.ratio{caller="frontend"}'),
      ),
    );
  });

  for (const other of ['search', 'ledger'] as const) {
    it(`does not judge it on that view when ${other} (${other === 'search' ? "the caller's other dependency" : 'further down'}) changed too: no near miss either`, () => {
      const verdicts = ownErrorsRun({ alsoChanged: other });
      assert.ok(
        verdicts.every((x) => x.outcome !== 'fail'),
        verdicts.at(-1)!.summary,
      );
      const view = verdicts
        .find((x) => x.final)!
        .metrics.find((m) => m.metric.startsWith('http.server.error.ratio'))!;
      assert.equal(view.test, 'none', 'not judged, so it counts neither for nor against the change');
      assert.equal(view.pValue, null);
      assert.match(view.reason, new RegExp(`${other} changed in the same window`));
    });
  }

  /** Pods a and b on one node (the same NodeCpu values, no node label); a change on a at T0. */
  function nodeRun(busyNeighbour: boolean): Verdict {
    const v = new DeploymentVerifier();
    const r = new SeededRandom(33);
    const out: Verdict[] = [];
    for (let t = T0 - 35 * MINUTE; t < T0 + 25 * MINUTE; t += MINUTE) {
      if (t === T0) out.push(...v.observeChange(aChange({ id: 'a-deploy', service: 'a', startedAt: T0 })));
      const after = t >= T0;
      const cpuA = r.normal(0.2, 0.005) * (after && !busyNeighbour ? 3 : 1);
      const cpuB = r.normal(0.2, 0.005) * (after && busyNeighbour ? 3 : 1);
      const node = (cpuA + cpuB) / 2;
      for (const [service, cpu] of [
        ['a', busyNeighbour ? r.normal(0.2, 0.005) : cpuA],
        ['b', cpuB],
      ] as const)
        out.push(
          ...v.observeTelemetry(
            aTelemetryBatch({
              service,
              points: [
                ...points('process.cpu.utilization', '1', t + 7, t + 8, () => cpu),
                ...points('NodeCpuUsageRate(%)', '%', t + 7, t + 8, () => 100 * node),
              ],
            }),
          ),
        );
    }
    return out.find((x) => x.changeId === 'a-deploy' && x.final)!;
  }

  it("a node's CPU does not fail a pod's change while another tenant of the node got busier", () => {
    const final = nodeRun(true);
    assert.notEqual(final.outcome, 'fail', final.summary);
    assert.match(final.metrics.map((m) => m.reason).join('\n'), /b, on the same node, got busier too/);
  });

  it('and does when the other tenants are quiet', () => {
    const final = nodeRun(false);
    assert.equal(final.outcome, 'fail', final.summary);
    assert.ok(final.metrics.some((m) => m.metric === 'NodeCpuUsageRate(%)' && m.outcome === 'fail'));
  });
});

describe('errors carried as a status label of the request count', () => {
  /** Per-minute request counts by status code: 1,000 a minute, `share(t)` of them with `code`. */
  function byStatus(from: number, to: number, code: string, share: (t: number) => number): TelemetryPoint[] {
    const out: TelemetryPoint[] = [];
    for (let t = from; t < to; t += MINUTE)
      out.push(
        ...requestsByStatus(t, 1000, Math.round(1000 * share(t)), {
          okCode: '200',
          errorCode: code,
          labels: { route: '/pay' },
        }),
      );
    return out;
  }

  function verify(code: string): Verdict | undefined {
    const v = new DeploymentVerifier();
    const share = (t: number) => (t >= T0 ? 0.1 : 0.0005 * (1 + ((t / MINUTE) % 3)));
    // The correlator derives the error ratio from the status label for every reader (as here).
    const observe = (points: TelemetryPoint[]) =>
      v.observeTelemetry(withStatusErrorSeries(aTelemetryBatch({ points })));
    observe(byStatus(T0 - 40 * MINUTE, T0, code, share));
    v.observeChange(aChange({ id: `c-${code}`, service: 'checkout', startedAt: T0 }));
    const out = observe(byStatus(T0, T0 + 20 * MINUTE, code, share));
    return out.find((x) => x.final);
  }

  it('a deploy that sends a tenth of requests to 503 fails on its server errors per request', () => {
    const final = verify('503');
    assert.equal(final?.outcome, 'fail', final?.summary);
    const failed = final!.metrics.filter((m) => m.outcome === 'fail').map((m) => m.metric);
    assert.ok(
      failed.some((m) => m.startsWith('http_requests.error.ratio')),
      `failed: ${failed.join(', ')}`,
    );
  });

  it('the same rise in 404s is the callers’ doing: the deploy passes', () => {
    assert.equal(verify('404')?.outcome, 'pass');
  });
});
