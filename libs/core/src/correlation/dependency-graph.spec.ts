import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../stats/random.js';
import { DependencyGraph } from './dependency-graph.js';

describe('DependencyGraph', () => {
  it('relates a service to each service within maxHops: dependencies first, by the shortest path', () => {
    // frontend → checkout → payments → db; frontend → catalog; admin → frontend
    const graph = new DependencyGraph([
      { from: 'frontend', to: 'checkout' },
      { from: 'checkout', to: 'payments' },
      { from: 'payments', to: 'db' },
      { from: 'frontend', to: 'catalog' },
      { from: 'admin', to: 'frontend' },
    ]);
    assert.deepEqual(graph.relation('frontend', 'db', 3).path, ['frontend', 'checkout', 'payments', 'db']);
    assert.equal(graph.relation('frontend', 'db', 2).direction, 'unrelated');
    assert.equal(graph.relation('frontend', 'admin', 3).direction, 'upstream');
    assert.equal(graph.relation('checkout', 'catalog', 3).direction, 'unrelated');
    assert.deepEqual(graph.callersOf('payments'), ['checkout']);
    assert.equal(graph.coverage('db'), 1);
    assert.equal(graph.coverage('search'), 0);
  });

  it('a path is as sure as its edges: confidences multiply, and a surer sighting raises an edge', () => {
    const graph = new DependencyGraph([
      { from: 'a', to: 'b', confidence: 0.5 },
      { from: 'b', to: 'c', confidence: 0.8 },
    ]);
    assert.equal(graph.relation('a', 'c', 3).confidence, 0.4);
    assert.equal(
      graph.add({ from: 'a', to: 'b', confidence: 0.3 }),
      false,
      'a weaker sighting changes nothing',
    );
    const before = graph.version;
    assert.equal(graph.add({ from: 'a', to: 'b' }), true);
    assert.ok(graph.version > before);
    assert.equal(graph.relation('a', 'c', 3).confidence, 0.8);
    assert.deepEqual(graph.callersOf('b', 0.9), ['a']);
  });

  it('reach() holds exactly the services relation() does not call unrelated', () => {
    const rng = new SeededRandom(5);
    const services = Array.from({ length: 200 }, (_, i) => `s${i}`);
    const graph = new DependencyGraph();
    for (const from of services)
      for (let k = 0; k < 2; k++)
        graph.add({ from, to: services[Math.floor(rng.next() * services.length)]! });
    for (const maxHops of [0, 1, 3]) {
      for (const service of services.slice(0, 20)) {
        const near = graph.reach(service, maxHops);
        for (const other of services.filter((s) => s !== service))
          assert.equal(near.has(other), graph.relation(service, other, maxHops).direction !== 'unrelated');
      }
    }
  });
});
