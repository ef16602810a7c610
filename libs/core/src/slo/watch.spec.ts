// Burn-rate alerts from live telemetry: checkout's SLO file (the bundled example) fed with
// generated request counts. A 10% error burst pages within the SRE workbook's detection time
// and resolves once it stops; replaying the same telemetry yields the same alerts (ids
// included); counters with a reset, and bad requests counted in the total too, give the
// right burn; a single failed request on a quiet service pages nobody.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { requestsByStatus } from '#testing';
import type { Alert, TelemetryBatch } from '#contracts';
import { MINUTE_MS } from './duration.js';
import { validateOpenSlo } from './validate.js';
import { SLO_ALERT_NAME, SloWatch } from './watch.js';

const FIXTURE = projectPath('libs', 'core', 'src', 'slo', 'fixtures', 'aftershock', 'checkout.yaml');
const T0 = Date.UTC(2026, 11, 7, 8);
const LOOK = 10_000;

function checkoutSlos() {
  const { slos, files } = validateOpenSlo([{ file: 'checkout.yaml', text: readFileSync(FIXTURE, 'utf8') }]);
  assert.ok(
    files.every((f) => f.computable),
    JSON.stringify(files),
  );
  return slos;
}

/** One 10-second batch of checkout's per-interval request counts: `errors` of `total` are 5xx. */
function batch(t: number, total: number, errors: number, service = 'checkout'): TelemetryBatch {
  return {
    id: `b${t}`,
    service,
    environment: 'production',
    points: requestsByStatus(t, total, errors),
    resource: {},
  };
}

/** Plays `minutes` of traffic with the error share `errorShare(t)`; every alert raised. */
function play(watch: SloWatch, from: number, minutes: number, errorShare: (t: number) => number): Alert[] {
  const alerts: Alert[] = [];
  for (let t = from; t < from + minutes * MINUTE_MS; t += LOOK)
    alerts.push(...watch.observe(batch(t, 1000, Math.round(1000 * errorShare(t)))));
  return alerts;
}

describe('SLO watch: burn-rate alerts from telemetry', () => {
  const burstFrom = T0 + 120 * MINUTE_MS;
  const burstUntil = burstFrom + 30 * MINUTE_MS;
  const share = (t: number) => (t >= burstFrom && t < burstUntil ? 0.1 : 0.0002);

  it('pages on a 10% error burst within the workbook time, and resolves when it stops', () => {
    const watch = new SloWatch(checkoutSlos(), { publicUrl: 'https://aftershock.example/' });
    assert.equal(watch.size, 2, 'both SLOs are alerted on (the workbook tiers by default for latency)');
    const alerts = play(watch, T0, 240, share);
    const page = alerts.filter((a) => a.labels['tier'] === 'fast-burn');
    assert.deepEqual(
      page.map((a) => a.status),
      ['firing', 'resolved'],
    );
    const [firing, resolved] = page as [Alert, Alert];
    // Workbook: (1 − 0.999) / 0.1 × 1 h × 14.4 = 8.64 min to reach the threshold.
    const toPage = (firing.startsAt - burstFrom) / MINUTE_MS;
    assert.ok(toPage > 7 && toPage < 10, `paged after ${toPage} min`);
    assert.equal(firing.name, SLO_ALERT_NAME);
    assert.equal(firing.service, 'checkout');
    assert.equal(firing.severity, 'critical');
    assert.equal(firing.labels['slo'], 'checkout-availability');
    assert.equal(firing.link, 'https://aftershock.example/#/slos/checkout-availability');
    assert.match(firing.summary, /burning at \d+\.\d× over 1 h/);
    // The short window (5 min) clears first: resolved within minutes of the burst's end.
    const toResolve = (resolved.endsAt! - burstUntil) / MINUTE_MS;
    assert.ok(toResolve >= 0 && toResolve < 6, `resolved ${toResolve} min after the burst`);
    assert.equal(resolved.startsAt, firing.startsAt, 'the resolution names the firing it ends');
    assert.equal(resolved.fingerprint, firing.fingerprint);
    assert.notEqual(resolved.id, firing.id);
  });

  it('a replay of the same telemetry raises the same alerts, ids included', () => {
    const first = play(new SloWatch(checkoutSlos()), T0, 200, share);
    const again = new SloWatch(checkoutSlos());
    const second = play(again, T0, 200, share);
    assert.ok(first.length > 0);
    assert.deepEqual(second, first);
    assert.deepEqual(
      again.firing().map((a) => a.id),
      first
        .filter(
          (a) =>
            a.status === 'firing' &&
            !first.some(
              (r) => r.status === 'resolved' && r.fingerprint === a.fingerprint && r.startsAt === a.startsAt,
            ),
        )
        .map((a) => a.id),
      'the tiers still firing are re-announced with the ids they were raised with',
    );
  });

  it('clean traffic over a day raises nothing; other services are not read', () => {
    const watch = new SloWatch(checkoutSlos());
    assert.deepEqual(
      play(watch, T0, 24 * 60, () => 0.0003),
      [],
    );
    assert.deepEqual(watch.observe(batch(T0 + 25 * 60 * MINUTE_MS, 1000, 1000, 'payments')), []);
  });

  it('one failed request on a quiet service pages nobody', () => {
    const watch = new SloWatch(checkoutSlos());
    const alerts: Alert[] = [];
    for (let t = T0; t < T0 + 60 * MINUTE_MS; t += LOOK)
      alerts.push(...watch.observe(batch(t, t % MINUTE_MS === 0 ? 1 : 0, t === T0 + 30 * MINUTE_MS ? 1 : 0)));
    assert.deepEqual(alerts, []);
  });

  it('counters: the increase per series, a drop read as a reset', () => {
    const yaml = readFileSync(FIXTURE, 'utf8').replace('counter: false', 'counter: true');
    const { slos } = validateOpenSlo([{ file: 'c.yaml', text: yaml }]);
    const watch = new SloWatch(slos);
    // Cumulative counts: 1,000 requests per look; errors 10% from minute 60 on; a restart of
    // the process at minute 70 resets both counters to the counts since.
    let ok = 5_000_000;
    let bad = 100;
    const alerts: Alert[] = [];
    for (let t = T0; t < T0 + 90 * MINUTE_MS; t += LOOK) {
      const burst = t >= T0 + 60 * MINUTE_MS;
      if (t === T0 + 70 * MINUTE_MS) [ok, bad] = [0, 0];
      ok += burst ? 900 : 1000;
      bad += burst ? 100 : 0;
      const b = batch(t, 0, 0);
      alerts.push(
        ...watch.observe({
          ...b,
          points: [
            { ...b.points[0]!, value: ok },
            { ...b.points[1]!, value: bad },
          ],
        }),
      );
    }
    const page = alerts.filter((a) => a.labels['tier'] === 'fast-burn');
    assert.equal(page.length, 1, 'one page, not resolved by the reset');
    const toPage = (page[0]!.startsAt - (T0 + 60 * MINUTE_MS)) / MINUTE_MS;
    assert.ok(toPage > 7 && toPage < 10, `paged after ${toPage} min`);
    const reading = watch.readings().find((r) => r.slo === 'checkout-availability')!;
    const burn = reading.tiers.find((r) => r.tier === 'fast-burn')!.burnShort!;
    // 10% errors, counted in the total too: a burn of 100×, the reset notwithstanding.
    assert.ok(Math.abs(burn - 100) < 1, `burn ${burn}`);
  });
});

describe('SLO watch: a watch started mid-stream', () => {
  it('judges a tier only once it has seen the tier’s whole long window', () => {
    const watch = new SloWatch(checkoutSlos());
    // 10% errors from the first point on: the 1-hour page waits for its hour; the 3-day ticket
    // does not read 90 minutes as three days.
    const alerts = play(watch, T0, 90, () => 0.1);
    const fired = alerts.filter((a) => a.status === 'firing');
    assert.deepEqual(
      fired.map((a) => a.labels['tier']),
      ['fast-burn'],
    );
    const after = (fired[0]!.startsAt - T0) / MINUTE_MS;
    assert.ok(after >= 60 && after < 61, `paged ${after} min after the first point`);
  });
});

describe('SLO watch: the set of SLOs changes (a file edited, an SLO written through the api)', () => {
  const burstFrom = T0 + 120 * MINUTE_MS;
  const share = (t: number) => (t >= burstFrom ? 0.1 : 0.0002);

  it('an SLO whose definition did not change keeps its counts and its firing tiers', () => {
    const [availability, latency] = checkoutSlos();
    const before = new SloWatch([availability!, latency!]);
    const raised = play(before, T0, 135, share);
    assert.ok(
      raised.some((a) => a.labels['tier'] === 'fast-burn' && a.status === 'firing'),
      'paging before the change',
    );
    // Latency's SLO is dropped; availability's, unchanged, goes on where it was.
    const after = new SloWatch([availability!], {}, before);
    assert.deepEqual(
      after.firing().map((a) => a.id),
      before
        .firing()
        .filter((a) => a.labels['slo'] === availability!.name)
        .map((a) => a.id),
    );
    const later = play(after, T0 + 135 * MINUTE_MS, 5, share);
    assert.ok(
      !later.some((a) => a.labels['slo'] === availability!.name && a.status === 'firing'),
      'not paged again: the tier was already firing',
    );
    // A watch started afresh instead would page anew only after a whole hour of the burst.
    const fresh = new SloWatch([availability!]);
    assert.deepEqual(play(fresh, T0 + 135 * MINUTE_MS, 5, share), []);
  });

  it('a removed or redefined SLO that was firing has its alerts resolved with the next alerts', () => {
    const [availability] = checkoutSlos();
    const before = new SloWatch([availability!]);
    play(before, T0, 135, share);
    const firing = before.firing();
    assert.ok(firing.length > 0);
    const stricter = { ...availability!, objectives: [{ ...availability!.objectives[0]!, target: 0.9995 }] };
    const after = new SloWatch([stricter], {}, before);
    assert.deepEqual(after.firing(), [], 'the redefined SLO starts afresh');
    const next = after.advanceTo(T0 + 136 * MINUTE_MS);
    const ended = next.filter((a) => a.status === 'resolved');
    assert.deepEqual(
      ended.map((a) => [a.fingerprint, a.startsAt]),
      firing.map((a) => [a.fingerprint, a.startsAt]),
      'each firing tier is ended, naming the firing it ends',
    );
    assert.match(ended[0]!.summary, /removed or redefined/);
    assert.deepEqual(after.advanceTo(T0 + 137 * MINUTE_MS), [], 'and only once');
  });
});

describe('SLO watch: services consumed at their own pace', () => {
  it("one service's backlog is judged at its own time, not at another's later one", () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const { slos } = validateOpenSlo([
      { file: 'checkout.yaml', text },
      { file: 'payments.yaml', text: text.replaceAll('checkout', 'payments') },
    ]);
    const watch = new SloWatch(slos);
    const burstFrom = T0 + 120 * MINUTE_MS;
    const share = (t: number) => (t >= burstFrom ? 0.1 : 0.0002);
    // Checkout's partition is consumed to the end first; payments' lags behind it by hours.
    play(watch, T0, 240, share);
    const alerts: Alert[] = [];
    for (let t = T0; t < T0 + 240 * MINUTE_MS; t += LOOK)
      alerts.push(...watch.observe(batch(t, 1000, Math.round(1000 * share(t)), 'payments')));
    const page = alerts.find((a) => a.service === 'payments' && a.status === 'firing')!;
    assert.ok(page, 'payments pages too');
    const toPage = (page.startsAt - burstFrom) / MINUTE_MS;
    assert.ok(toPage > 7 && toPage < 10, `payments paged ${toPage} min into its burst`);
  });
});
