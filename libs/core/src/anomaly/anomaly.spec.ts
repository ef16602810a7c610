// Replays the anomaly scenario files (libs/core/scenarios/verification/anomaly-*.json) and a
// few direct checks of the detector's mechanics.
import { readdirSync, readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import type { TelemetryPoint } from '#contracts';
import { SeededRandom } from '../stats/random.js';
import type { AnomalyPort } from '../correlation/correlator.js';
import { AnomalyDetector, type Anomaly, type AnomalyEvent } from './detector.js';
import { replayAnomalyScenario, type AnomalyScenario } from '../testing/anomaly-scenario.js';
import { SeasonalProfile } from './seasonality.js';

const dir = projectPath('libs', 'core', 'scenarios', 'verification');
const files = readdirSync(dir)
  .filter((f) => f.startsWith('anomaly-') && f.endsWith('.json'))
  .sort();

describe('anomaly scenarios', () => {
  it('finds the scenario files', () => assert.ok(files.length >= 4));

  for (const file of files) {
    const scenario = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as AnomalyScenario;
    it(`${scenario.name} (${file})`, () => {
      const { expect } = scenario;
      const runs = (scenario.deliveries ?? [{}]).map((d) => replayAnomalyScenario(scenario, d));
      for (const run of runs) {
        const all = run.events.flatMap((e) => (e.type === 'anomaly' ? [e.anomaly] : []));
        const learning = expect.ignoreBefore ?? 0;
        const anomalies = all.filter((a) => run.sampleOf(a.detectedAt) >= learning);
        if (expect.maxBefore !== undefined)
          assert.ok(
            all.length - anomalies.length <= expect.maxBefore,
            `${all.length - anomalies.length} while learning`,
          );
        const show = anomalies
          .map(
            (a) =>
              `${a.shape} ${a.direction} onset#${run.sampleOf(a.onset)} detected#${run.sampleOf(a.detectedAt)} ${a.sigmas.toFixed(1)}σ`,
          )
          .join('; ');
        if (expect.anomalies !== undefined)
          assert.equal(anomalies.length, expect.anomalies, `${run.delivery}: ${show}`);
        if (expect.maxAnomalies !== undefined)
          assert.ok(anomalies.length <= expect.maxAnomalies, `${run.delivery}: ${show}`);
        if (expect.maxEvents !== undefined)
          assert.ok(run.events.length <= expect.maxEvents, `${run.delivery}: ${run.events.length} events`);
        const a: Anomaly | undefined = anomalies[0];
        if (!a) continue;
        if (expect.onsetSample !== undefined) {
          const off = Math.abs(run.sampleOf(a.onset) - expect.onsetSample);
          assert.ok(off <= (expect.onsetTolerance ?? 0), `onset off by ${off} samples: ${show}`);
          assert.ok(a.detectedAt >= a.onset, 'detection never precedes the onset');
          if (expect.maxDelaySamples !== undefined)
            assert.ok(run.sampleOf(a.detectedAt) - expect.onsetSample <= expect.maxDelaySamples, show);
        }
        if (expect.direction) assert.equal(a.direction, expect.direction);
        if (expect.seasonal !== undefined) assert.equal(a.seasonal, expect.seasonal);
        if (expect.shape) assert.equal(a.shape, expect.shape);
        if (expect.relativeMagnitude) {
          const r = a.magnitude.relative!;
          assert.ok(
            r >= expect.relativeMagnitude[0] && r <= expect.relativeMagnitude[1],
            `relative magnitude ${r}`,
          );
          assert.ok(Math.abs(a.magnitude.absolute - (a.observed - a.baseline)) < 1e-9);
        }
        assert.match(a.id, /^anomaly_[0-9a-f]{16}$/);
        assert.ok(a.score >= 0.5 && a.score <= 1, `score ${a.score}`);
        assert.ok(
          a.summary.startsWith(
            `${scenario.series.metric} ${a.shape === 'spike' ? 'spiked ' : ''}${a.direction}`,
          ),
          a.summary,
        );
      }
      if (expect.sameAcrossDeliveries) {
        for (const run of runs.slice(1))
          assert.deepEqual(run.events, runs[0]!.events, `${run.delivery} differs`);
      }
    });
  }
});

describe('AnomalyDetector', () => {
  const T0 = Date.UTC(2024, 4, 1);

  it('is the correlator’s anomaly port, and says what it found in words', () => {
    const port: AnomalyPort = new AnomalyDetector();
    const rng = new SeededRandom(21);
    let found: Anomaly[] = [];
    for (let i = 0; i < 420; i++) {
      const value = (i < 300 ? 100 : 130) + rng.normal(0, 5);
      const batch = {
        id: `b${i}`,
        service: 'checkout',
        environment: 'production',
        points: [{ metric: 'latency.p95', value, timestamp: T0 + i * 60_000, unit: 'ms', labels: {} }],
        resource: {},
      };
      found = found.concat(port.observeTelemetry(batch) as Anomaly[]);
    }
    assert.equal(found.length, 1);
    assert.match(found[0]!.summary, /^latency\.p95 up [23]\d% \(1\d\d ms → 1\d\d ms\) since 05:0\d UTC$/);
  });
  const feed = (d: AnomalyDetector, values: number[], metric = 'm', stepMs = 60_000) =>
    values.flatMap((value, i) =>
      d.observePoint('svc', { metric, value, timestamp: T0 + i * stepMs, unit: null, labels: {} }),
    );

  it('gives the same ids for the same input, and keeps series apart by labels', () => {
    const rng = new SeededRandom(2);
    const values = Array.from({ length: 400 }, (_, i) => (i < 300 ? 50 : 80) + rng.normal(0, 3));
    const a = feed(new AnomalyDetector(), values);
    const b = feed(new AnomalyDetector(), values);
    assert.deepEqual(a, b);
    const d = new AnomalyDetector();
    d.observePoint('svc', { metric: 'm', value: 1, timestamp: T0, unit: null, labels: { pod: 'a' } });
    d.observePoint('svc', { metric: 'm', value: 1, timestamp: T0, unit: null, labels: { pod: 'b' } });
    assert.equal(d.stats().series, 2);
  });

  it('recovers when the series returns, and adopts a lasting level as the new normal', () => {
    const rng = new SeededRandom(4);
    // Events from sample 290 on: what happened, and at which sample.
    const around = (events: AnomalyEvent[]) =>
      events.flatMap((e) => {
        const at = ((e.type === 'anomaly' ? e.anomaly.detectedAt : e.recovery.at) - T0) / 60_000;
        return at < 290 ? [] : [{ what: e.type === 'anomaly' ? e.anomaly.direction : e.recovery.reason, at }];
      });
    const back = Array.from({ length: 500 }, (_, i) => (i >= 300 && i < 320 ? 160 : 100) + rng.normal(0, 5));
    const events = feed(new AnomalyDetector(), back);
    const seen = around(events);
    assert.deepEqual(
      seen.map((e) => e.what),
      ['up', 'recovered'],
    );
    assert.ok(seen[0]!.at - 300 <= 3, `the excursion found ${seen[0]!.at - 300} samples in`);
    assert.ok(seen[1]!.at - 320 <= 10, `its end ${seen[1]!.at - 320} samples after the return`);
    const recovery = events.find((e) => e.type === 'recovery' && e.recovery.at >= T0 + 290 * 60_000);
    const since = recovery?.type === 'recovery' ? (recovery.recovery.since - T0) / 60_000 : NaN;
    assert.ok(since >= 320 && since <= 323, `back since ${since}: the return, not its confirmation`);
    const lasting = Array.from({ length: 800 }, (_, i) => (i >= 300 ? 160 : 100) + rng.normal(0, 5));
    const adopted = around(feed(new AnomalyDetector(), lasting));
    assert.deepEqual(
      adopted.map((e) => e.what),
      ['up', 'new-level'],
      'one anomaly, then its level becomes normal: no re-alarm afterwards',
    );
    assert.equal(adopted[1]!.at - adopted[0]!.at, 30, 'adopted 30 samples after it was found');
    const returning = Array.from(
      { length: 800 },
      (_, i) => (i >= 300 && i < 500 ? 160 : 100) + rng.normal(0, 5),
    );
    const back2 = around(feed(new AnomalyDetector(), returning));
    assert.deepEqual(
      back2.map((e) => e.what),
      ['up', 'new-level', 'down', 'new-level'],
      'a return after the new level was adopted is a change of its own',
    );
    assert.ok(back2[2]!.at - 500 <= 3, `the return found ${back2[2]!.at - 500} samples in`);
  });

  it('drops points not newer than the last one without a lateness bound, and bounds memory per series', () => {
    const d = new AnomalyDetector();
    feed(d, [1, 2, 3]);
    d.observePoint('svc', { metric: 'm', value: 9, timestamp: T0, unit: null, labels: {} });
    assert.equal(d.stats().droppedOutOfOrder, 1);
    const rng = new SeededRandom(6);
    const big = new AnomalyDetector();
    feed(
      big,
      Array.from({ length: 5000 }, () => rng.normal(10, 1)),
      'm',
      10_000,
    );
    const perSeries = big.stats().approxBytes / big.stats().series;
    assert.ok(perSeries < 9_000, `${perSeries} bytes per series`);
  });

  it('finds each point’s series in a batch whatever the order of points and labels', () => {
    const rng = new SeededRandom(8);
    const shapes: { metric: string; labels: Record<string, string> }[] = [
      { metric: 'm', labels: {} },
      { metric: 'm', labels: { pod: 'a', zone: 'x' } },
      { metric: 'm', labels: { pod: 'b' } },
      { metric: 'n', labels: {} },
    ];
    const batched = new AnomalyDetector();
    const single = new AnomalyDetector();
    const a: unknown[] = [];
    const b: unknown[] = [];
    for (let i = 0; i < 500; i++) {
      // Points move around between batches, and label keys come in either order.
      const order = i % 3 === 0 ? [...shapes].reverse() : i % 3 === 1 ? shapes : [shapes[2]!, shapes[0]!];
      const points: TelemetryPoint[] = order.map((s, k) => ({
        metric: s.metric,
        labels: i % 2 === 0 && 'zone' in s.labels ? { zone: 'x', pod: 'a' } : s.labels,
        value: (i > 300 && k === 0 ? 60 : 20) + rng.normal(0, 2),
        timestamp: T0 + i * 60_000,
        unit: null,
      }));
      a.push(...batched.observe({ id: `b${i}`, service: 's', environment: 'e', points, resource: {} }));
      for (const p of points) b.push(...single.observePoint('s', p, 'e'));
    }
    assert.ok(a.length > 0, 'the shifts are found');
    assert.deepEqual(a, b);
    assert.equal(batched.stats().series, 4);
  });

  it('caps the number of series', () => {
    const d = new AnomalyDetector({ maxSeries: 3 });
    for (let i = 0; i < 5; i++)
      d.observePoint('svc', { metric: `m${i}`, value: 1, timestamp: T0, unit: null, labels: {} });
    assert.equal(d.stats().series, 3);
    assert.equal(d.stats().droppedSeries, 2);
  });

  it('finds clean 2σ and 3σ level shifts within 10 samples, with their onset, and early in a series', () => {
    // Share of 20 seeded series (Gaussian noise, σ = 4) whose shift at `at` is found within 10
    // samples (right direction, onset within 2 samples), and their false alarms.
    const rate = (sigmas: number, at: number) => {
      let found = 0;
      let falseAlarms = 0;
      for (let seed = 1; seed <= 20; seed++) {
        const rng = new SeededRandom(seed);
        const values = Array.from(
          { length: at + 200 },
          (_, i) => 50 + (i >= at ? sigmas * 4 : 0) + rng.normal(0, 4),
        );
        const anomalies = feed(new AnomalyDetector(), values).flatMap((e) =>
          e.type === 'anomaly' ? [e.anomaly] : [],
        );
        const sample = (t: number) => (t - T0) / 60_000;
        const hit = anomalies.find((a) => sample(a.detectedAt) >= at);
        if (
          hit &&
          hit.direction === 'up' &&
          sample(hit.detectedAt) - at <= 10 &&
          Math.abs(sample(hit.onset) - at) <= 2
        )
          found++;
        falseAlarms += anomalies.filter((a) => a !== hit).length;
      }
      return { found: found / 20, falseAlarms };
    };
    const two = rate(2, 400);
    const three = rate(3, 400);
    const early = rate(3, 40);
    assert.ok(two.found >= 0.7, `2σ: ${two.found}`);
    assert.ok(three.found >= 0.9, `3σ: ${three.found}`);
    assert.ok(
      early.found >= 0.6,
      `3σ at sample 40 (the old detector reported nothing before 60): ${early.found}`,
    );
    assert.ok(two.falseAlarms + three.falseAlarms + early.falseAlarms <= 2, 'no false alarms to speak of');
  });

  it('finds a weekly cycle in the series itself: weekends are not anomalies once it is learnt, a shift is found against it', () => {
    const HOUR = 3_600_000;
    const rng = new SeededRandom(31);
    const monday = Date.UTC(2024, 0, 1);
    const weeks = 6;
    const shiftAt = 5 * 168 + 60; // hour 60 of the sixth week (a Wednesday)
    const points = Array.from({ length: weeks * 168 }, (_, i) => {
      const hour = i % 24;
      const weekend = Math.floor(i / 24) % 7 >= 5;
      const daily = 20 * Math.sin((2 * Math.PI * (hour - 9)) / 24);
      const value =
        200 + (weekend ? 0.4 : 1) * daily - (weekend ? 40 : 0) + (i >= shiftAt ? 12 : 0) + rng.normal(0, 4);
      return { metric: 'requests', value, timestamp: monday + i * HOUR, unit: null, labels: {} };
    });
    const d = new AnomalyDetector();
    const found = points
      .flatMap((p) => d.observePoint('svc', p))
      .flatMap((e) => (e.type === 'anomaly' ? [e.anomaly] : []));
    const hourOf = (t: number) => (t - monday) / HOUR;
    // From the fourth week on (the cycle is found after 2.5 weeks), only the shift.
    const late = found.filter((a) => hourOf(a.detectedAt) >= 3 * 168);
    assert.equal(late.length, 1, late.map((a) => `${a.direction}@${hourOf(a.detectedAt)}`).join(' '));
    assert.equal(late[0]!.direction, 'up');
    assert.ok(late[0]!.seasonal, 'found against the weekly profile');
    assert.ok(hourOf(late[0]!.detectedAt) - shiftAt <= 10);
  });
  it('judges a newly found weekly profile by its own errors, not by the scale an adopted level carried from the daily one', () => {
    // Hourly samples, a daily curve and weekends 20 lower. A daily cycle is found first; its
    // profile does not know the weekend, so a weekend's level adopted against it carries a scale
    // that holds the misfit. When the weekly cycle is found (2.5 weeks) the new profile must not
    // inherit it: a 2σ drop in week 4 is then found within 10 samples (with the carried scale
    // as its floor, 218 samples late).
    const HOUR = 3_600_000;
    const rng = new SeededRandom(4);
    const monday = Date.UTC(2024, 0, 1);
    const shiftAt = 560;
    const points = Array.from({ length: 840 }, (_, i) => {
      const weekend = Math.floor(i / 24) % 7 >= 5;
      const daily = 20 * Math.sin((2 * Math.PI * ((i % 24) - 9)) / 24);
      const value =
        200 + (weekend ? 0.6 : 1) * daily - (weekend ? 20 : 0) - (i >= shiftAt ? 8 : 0) + rng.normal(0, 4);
      return { metric: 'requests', value, timestamp: monday + i * HOUR, unit: null, labels: {} };
    });
    const d = new AnomalyDetector();
    const hourOf = (t: number) => (t - monday) / HOUR;
    const shift = points
      .flatMap((p) => d.observePoint('svc', p))
      .flatMap((e) => (e.type === 'anomaly' ? [e.anomaly] : []))
      .find((a) => hourOf(a.detectedAt) >= shiftAt);
    assert.equal(shift?.direction, 'down');
    assert.ok(hourOf(shift.detectedAt) - shiftAt <= 10, `found at ${hourOf(shift.detectedAt)}`);
  });
  it('withdraws the alarm fatigue of excursions a cycle found later explains', () => {
    // A weekly cycle whose weekends dip for 12 hours: before the cycle is found (2.5 weeks), the
    // first two weekends' dips are reported, come back, and raise the alarm fatigue. Once the
    // weekly profile explains them, forgiveShare withdraws their share; a 2σ shift in week 5 is
    // then found as quickly as on a series that never alarmed. Without it (forgiveShare 0) the
    // fatigue still raises the threshold weeks later and the shift is found late.
    const HOUR = 3_600_000;
    const monday = Date.UTC(2024, 0, 1);
    const shiftAt = 4 * 168 + 60; // hour 60 of the fifth week (a Wednesday)
    const run = (forgiveShare: number) => {
      const rng = new SeededRandom(31);
      const d = new AnomalyDetector({ forgiveShare });
      const found: Anomaly[] = [];
      for (let i = 0; i < 5 * 168; i++) {
        const hour = i % 24;
        const day = Math.floor(i / 24) % 7;
        const dip = day >= 5 && hour >= 9 && hour < 21;
        const value = 200 - (dip ? 30 : 0) + (i >= shiftAt ? 8 : 0) + rng.normal(0, 4);
        for (const e of d.observePoint('svc', {
          metric: 'requests',
          value,
          timestamp: monday + i * HOUR,
          unit: null,
          labels: {},
        }))
          if (e.type === 'anomaly') found.push(e.anomaly);
      }
      const hourOf = (t: number) => (t - monday) / HOUR;
      const early = found.filter((a) => hourOf(a.detectedAt) < 2 * 168);
      const shift = found.find((a) => hourOf(a.detectedAt) >= shiftAt && a.direction === 'up');
      return { early: early.length, delay: shift ? hourOf(shift.detectedAt) - shiftAt : Infinity };
    };
    const forgiven = run(0.5); // the default
    const kept = run(0);
    assert.ok(forgiven.early >= 2 && kept.early === forgiven.early, 'the first weekends alarm either way');
    assert.ok(forgiven.delay <= 6, `forgiven: found ${forgiven.delay} samples in`);
    assert.ok(kept.delay > 10, `without forgiving: found ${kept.delay} samples in`);
  });
  it("judges a count series' samples by the Poisson scale of the rate predicted for them (countRateScale)", () => {
    // Counts with a daily cycle from 4 to 64 per 5 minutes: the window's σ is about √ of its mean
    // count, but at the cycle's peaks the counts vary as √64; without the rate's own scale the
    // peaks' ordinary excursions are reported once the cycle is learnt.
    const MIN = 60_000;
    const lateAlarms = (countRateScale: boolean) => {
      let late = 0;
      for (const seed of [42, 43, 44, 45, 46]) {
        const rng = new SeededRandom(seed);
        const d = new AnomalyDetector({ countRateScale });
        for (let i = 0; i < 6 * 288; i++) {
          const rate = 4 + 60 * Math.sin((2 * Math.PI * i) / 288) ** 2 * (i % 288 < 144 ? 1 : 0);
          const point = {
            metric: 'errors',
            value: rng.poisson(rate),
            timestamp: T0 + i * 5 * MIN,
            unit: null,
            labels: {},
          };
          for (const e of d.observePoint('svc', point)) if (e.type === 'anomaly' && i >= 3 * 288) late++;
        }
      }
      return late;
    };
    assert.equal(lateAlarms(true), 0);
    assert.ok(lateAlarms(false) >= 2, 'without it the peaks alarm');
  });
});

describe("false-alarm control by the series' own noise", () => {
  const T0 = Date.UTC(2024, 4, 1);
  const MINUTE = 60_000;
  const anomaliesOf = (values: readonly number[], settings = {}) => {
    const d = new AnomalyDetector(settings);
    return values
      .flatMap((value, i) =>
        d.observePoint('svc', { metric: 'm', value, timestamp: T0 + i * MINUTE, unit: null, labels: {} }),
      )
      .flatMap((e) => (e.type === 'anomaly' ? [e.anomaly] : []));
  };
  const sample = (t: number) => (t - T0) / MINUTE;

  it("does not report a heavy-tailed series' ordinary outliers as spikes, but one far beyond its tail", () => {
    // Gaussian noise plus an outlier of 6–15σ every 25 samples (4% of samples beyond 3σ, as a
    // t(3)'s): its tail makes a 25σ sample ordinary (threshold ~38σ), an 80σ one not. (Before,
    // the outliers that start CUSUM runs were never counted in the tail, so the threshold only
    // fell with the series' length, and the 25σ sample was reported.)
    const series = (last: number) => {
      const rng = new SeededRandom(41);
      const values = Array.from(
        { length: 3000 },
        (_, i) =>
          100 + rng.normal(0, 1) + (i % 25 === 12 ? (rng.next() < 0.5 ? -1 : 1) * (6 + 9 * rng.next()) : 0),
      );
      return [...values, 100 + last, 100];
    };
    assert.deepEqual(
      anomaliesOf(series(25)).map((a) => `${a.shape}@${sample(a.detectedAt)}`),
      [],
      'a 25σ outlier is ordinary here',
    );
    const far = anomaliesOf(series(80));
    assert.deepEqual(
      far.map((a) => `${a.shape}@${sample(a.detectedAt)}`),
      ['spike@3001'],
    );
  });

  it('raises the CUSUM threshold of a series that often comes close to it, and still finds a shift', () => {
    // Every 20 samples two samples 2.6σ high: near misses, 5% of samples against a Gaussian
    // series' 0.8%. Three samples 3.2σ high then cross the default threshold, but not this
    // series' own; a lasting 4σ shift is found either way.
    const rng = new SeededRandom(43);
    const values = Array.from({ length: 3000 }, (_, i) => 100 + rng.normal(0, 1) + (i % 20 >= 18 ? 2.6 : 0));
    for (let i = 2000; i < 2003; i++) values[i] = 103.2 + rng.normal(0, 1);
    for (let i = 2600; i < 3000; i++) values[i]! += 4;
    const show = (list: readonly Anomaly[]) => list.map((a) => `${a.direction}@${sample(a.onset)}`);
    // (Its 2.6σ samples make 3% of them beyond 3σ, a heavy tail: the tail's clip, which alone
    // keeps the three samples below the threshold, is off to show the near misses' part.)
    assert.deepEqual(show(anomaliesOf(values, { tailCap: false })), ['up@2600']);
    assert.deepEqual(show(anomaliesOf(values, { nearMisses: false, tailCap: false })), [
      'up@2000',
      'up@2600',
    ]);
  });

  it("clips a heavy-tailed series' z-scores by its own tail: a few outliers in a row are no shift, a lasting 3σ one is", () => {
    // Gaussian noise plus an outlier of 6–15σ every 25 samples (4% beyond 3σ, as a t(3)'s). Four
    // samples 3.5σ high add 2 each to the CUSUM under the Gaussian clip at 3 (8: an alarm), but
    // for this tail a sample beyond the shift tells no more than 1.2 (see cusumCap), and its
    // single outliers are no near misses; a lasting 3σ shift is found either way.
    const rng = new SeededRandom(47);
    const values = Array.from(
      { length: 3000 },
      (_, i) =>
        100 + rng.normal(0, 1) + (i % 25 === 12 ? (rng.next() < 0.5 ? -1 : 1) * (6 + 9 * rng.next()) : 0),
    );
    for (let i = 1990; i < 2000; i++) values[i] = 100; // the CUSUM at 0 before the burst
    for (let i = 2000; i < 2004; i++) values[i] = 103.5;
    for (let i = 2600; i < 3000; i++) values[i]! += 3;
    const show = (list: readonly Anomaly[]) =>
      list.map((a) => `${a.shape} ${a.direction}@${sample(a.onset)}`);
    assert.deepEqual(show(anomaliesOf(values)), ['shift up@2600']);
    assert.deepEqual(show(anomaliesOf(values, { tailCap: false })), ['shift up@2000', 'shift up@2600']);
  });

  it("learns a cycle's shape from clipped errors: one outlier does not move it for cycles to come", () => {
    const HOUR = 3_600_000;
    const at = (limit: number) => {
      const p = new SeasonalProfile(24 * HOUR, HOUR, 24, 0.25);
      for (let i = 0; i < 72; i++) p.learn(T0 + i * HOUR, 0, limit);
      p.learn(T0 + 77 * HOUR, 1000, limit); // hour 5 of the fourth day
      return p.valueAt(T0 + 101 * HOUR); // hour 5 of the fifth day
    };
    assert.ok(Math.abs(at(3)) <= 3, `clipped at 3: ${at(3)}`);
    assert.ok(at(Infinity) > 100, `unclipped: ${at(Infinity)}`);
  });
});
