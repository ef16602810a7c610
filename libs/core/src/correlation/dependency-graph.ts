// Which services call which. Failures travel from a dependency to its callers: when `checkout`
// calls `payments` and `payments` gets a bad deploy, `checkout` shows the symptoms. So a change
// on X is a candidate cause for a symptom on A when X is among A's (transitive) dependencies.
// Edges come from a service catalog (configuration, Backstage `spec.dependsOn`) and are learnt
// from service-graph telemetry; both end up here.

export interface Edge {
  /** The caller. */
  readonly from: string;
  /** The callee: `from` depends on `to`. */
  readonly to: string;
}

export type PathDirection = 'same' | 'downstream' | 'upstream' | 'unrelated';

export interface Relation {
  /** `downstream`: the changed service is a dependency of the symptom's service (the usual way failures travel). */
  readonly direction: PathDirection;
  readonly hops: number;
  /** Services from the symptom's service to the changed one, for the evidence a person reads. */
  readonly path: readonly string[];
}

export class DependencyGraph {
  private readonly dependencies = new Map<string, Set<string>>();
  private readonly dependents = new Map<string, Set<string>>();
  /** Bumped by every new edge: results derived from the graph are valid while it stands. */
  private edgeCount = 0;

  constructor(edges: Iterable<Edge> = []) {
    for (const edge of edges) this.add(edge);
  }

  /** Adds an edge; returns false when it was already known. */
  add(edge: Edge): boolean {
    if (edge.from === edge.to) return false;
    const out = this.dependencies.get(edge.from) ?? new Set<string>();
    if (out.has(edge.to)) return false;
    out.add(edge.to);
    this.dependencies.set(edge.from, out);
    const into = this.dependents.get(edge.to) ?? new Set<string>();
    into.add(edge.from);
    this.dependents.set(edge.to, into);
    this.edgeCount++;
    return true;
  }

  get version(): number {
    return this.edgeCount;
  }

  edges(): Edge[] {
    return [...this.dependencies].flatMap(([from, tos]) => [...tos].map((to) => ({ from, to })));
  }

  dependenciesOf(service: string): ReadonlySet<string> {
    return this.dependencies.get(service) ?? new Set();
  }

  /** How the changed service relates to the symptom's service, within `maxHops`. */
  relation(symptomService: string, changedService: string, maxHops: number): Relation {
    if (symptomService === changedService) return { direction: 'same', hops: 0, path: [symptomService] };
    const down = this.shortestPath(symptomService, changedService, this.dependencies, maxHops);
    if (down) return { direction: 'downstream', hops: down.length - 1, path: down };
    const up = this.shortestPath(symptomService, changedService, this.dependents, maxHops);
    if (up) return { direction: 'upstream', hops: up.length - 1, path: up };
    return { direction: 'unrelated', hops: Infinity, path: [] };
  }

  /**
   * The service and every service within maxHops of it, along dependencies or along dependents:
   * exactly those for which relation() is not 'unrelated'.
   */
  neighbourhood(service: string, maxHops: number): Set<string> {
    const near = new Set<string>([service]);
    for (const next of [this.dependencies, this.dependents])
      this.walk(service, next, maxHops, (node) => !near.add(node));
    return near;
  }

  /**
   * The services whose changes can bear on a symptom of `service`: its neighbourhood (the
   * candidates), and the dependencies within maxHops of each of those (changes that can explain
   * a candidate's own failure away).
   */
  relevantTo(service: string, maxHops: number): Set<string> {
    const near = this.neighbourhood(service, maxHops);
    const relevant = new Set(near);
    for (const candidate of near)
      this.walk(candidate, this.dependencies, maxHops, (node) => !relevant.add(node));
    return relevant;
  }

  private shortestPath(
    start: string,
    goal: string,
    next: ReadonlyMap<string, ReadonlySet<string>>,
    maxHops: number,
  ): string[] | undefined {
    const previous = new Map<string, string>([[start, start]]);
    let found = false;
    this.walk(start, next, maxHops, (node, from) => {
      previous.set(node, from);
      return (found = node === goal);
    });
    return found ? this.unwind(previous, start, goal) : undefined;
  }

  /**
   * Breadth-first from start along `next`, at most maxHops: visit(node, from) for each service
   * reached, nearest first (each hop in name order: deterministic among equally short paths),
   * until visit returns true.
   */
  private walk(
    start: string,
    next: ReadonlyMap<string, ReadonlySet<string>>,
    maxHops: number,
    visit: (node: string, from: string) => boolean,
  ): void {
    const seen = new Set<string>([start]);
    let frontier = [start];
    for (let hop = 0; hop < maxHops && frontier.length > 0; hop++) {
      const following: string[] = [];
      for (const node of frontier) {
        for (const neighbour of next.get(node) ?? []) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          if (visit(neighbour, node)) return;
          following.push(neighbour);
        }
      }
      frontier = following.sort();
    }
  }

  private unwind(previous: ReadonlyMap<string, string>, start: string, goal: string): string[] {
    const path = [goal];
    for (let node = goal; node !== start;) {
      node = previous.get(node)!;
      path.push(node);
    }
    return path.reverse();
  }
}
