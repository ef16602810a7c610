import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../stats/random.js';
import { DependencyGraph } from './dependency-graph.js';

describe('DependencyGraph', () => {
  it('a neighbourhood holds exactly the services relation() does not call unrelated', () => {
    const rng = new SeededRandom(5);
    const services = Array.from({ length: 300 }, (_, i) => `s${i}`);
    const graph = new DependencyGraph();
    for (const from of services)
      for (let k = 0; k < 2; k++)
        graph.add({ from, to: services[Math.floor(rng.next() * services.length)]! });
    for (const maxHops of [0, 1, 3]) {
      for (const service of services.slice(0, 40)) {
        const near = graph.neighbourhood(service, maxHops);
        for (const other of services) {
          const related = graph.relation(service, other, maxHops).direction !== 'unrelated';
          assert.equal(near.has(other), related, `${service} → ${other} within ${maxHops}`);
        }
      }
    }
  });

  it('the services relevant to a symptom: its neighbourhood and what lies downstream of it within maxHops', () => {
    const rng = new SeededRandom(9);
    const services = Array.from({ length: 200 }, (_, i) => `s${i}`);
    const graph = new DependencyGraph();
    for (const from of services)
      for (let k = 0; k < 2; k++)
        graph.add({ from, to: services[Math.floor(rng.next() * services.length)]! });
    const maxHops = 2;
    for (const service of services.slice(0, 30)) {
      const near = graph.neighbourhood(service, maxHops);
      const relevant = graph.relevantTo(service, maxHops);
      for (const other of services) {
        // Relevant: a candidate itself, or a dependency (within maxHops) of some candidate.
        const explains = [...near].some(
          (candidate) => graph.relation(candidate, other, maxHops).direction === 'downstream',
        );
        assert.equal(relevant.has(other), near.has(other) || explains, `${service} / ${other}`);
      }
    }
  });
});
