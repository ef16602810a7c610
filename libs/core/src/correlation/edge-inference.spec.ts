import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TelemetryPoint } from '#contracts';
import { aTelemetryBatch, MINUTE, T0 } from '#testing';
import { SeededRandom } from '../stats/random.js';
import { EdgeInference } from './edge-inference.js';

describe('edge inference from telemetry', () => {
  it("names a caller from its client latency following a callee's server latency, in the right direction", () => {
    // frontend calls checkout; search is on its own. Each minute every service's latency jitters;
    // frontend's client view is checkout's latency plus its own network noise.
    const rng = new SeededRandom(17);
    const inference = new EdgeInference();
    const point = (metric: string, value: number, t: number): TelemetryPoint => ({
      metric,
      value,
      timestamp: t,
      unit: 's',
      labels: {},
    });
    let checkout = 0;
    for (let t = T0; t < T0 + 90 * MINUTE; t += MINUTE) {
      checkout = 0.7 * checkout + 0.3 * rng.normal();
      const checkoutLatency = 0.05 * Math.exp(0.3 * checkout);
      const searchLatency = 0.02 * Math.exp(0.2 * rng.normal());
      const frontendOwn = 0.01 * Math.exp(0.2 * rng.normal());
      inference.observe(
        aTelemetryBatch({
          service: 'frontend',
          points: [
            point('http.server.duration.p95', frontendOwn + checkoutLatency, t),
            point('http.client.duration.p95', checkoutLatency * Math.exp(0.05 * rng.normal()), t),
          ],
        }),
      );
      inference.observe(
        aTelemetryBatch({
          service: 'checkout',
          points: [point('http.server.duration.p95', checkoutLatency, t)],
        }),
      );
      inference.observe(
        aTelemetryBatch({ service: 'search', points: [point('http.server.duration.p95', searchLatency, t)] }),
      );
    }
    const edges = inference.edgesOf('checkout');
    assert.deepEqual(
      edges.map((e) => [e.from, e.to]),
      [['frontend', 'checkout']],
    );
    assert.ok(
      edges[0]!.confidence! > 0.5 && edges[0]!.confidence! <= 0.8,
      `confidence ${edges[0]!.confidence}`,
    );
    assert.deepEqual(inference.edgesOf('search'), [], 'no edge to a service nobody follows');
  });
});
