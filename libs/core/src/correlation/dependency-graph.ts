// Which services call which. Failures travel from a dependency to its callers: when `checkout`
// calls `payments` and `payments` gets a bad deploy, `checkout` shows the symptoms. So a change
// on X explains a symptom on A best when X is among A's (transitive) dependencies. Edges come
// from a service catalog (configuration, Backstage `spec.dependsOn`), from service-graph
// telemetry (points labelled client/server: calls seen), and from weaker inference on telemetry
// (a caller's client latency moving with a callee's server latency); each edge carries the
// confidence of its source, and attribution weighs a path by it. The graph is evidence, never a
// gate: a change on a service it does not connect still competes, with less weight.

export interface Edge {
  /** The caller. */
  readonly from: string;
  /** The callee: `from` depends on `to`. */
  readonly to: string;
  /** How sure the source is that the call exists, in (0, 1]; 1 when not said (a catalog, calls seen). */
  readonly confidence?: number;
}

export type PathDirection = 'same' | 'downstream' | 'upstream' | 'unrelated';

export interface Relation {
  /** `downstream`: the changed service is a dependency of the symptom's service (the usual way failures travel). */
  readonly direction: PathDirection;
  readonly hops: number;
  /** Services from the symptom's service to the changed one, for the evidence a person reads. */
  readonly path: readonly string[];
  /** Product of the edge confidences along the path (1 for the same service, 0 when unrelated). */
  readonly confidence: number;
}

const UNRELATED: Relation = { direction: 'unrelated', hops: Infinity, path: [], confidence: 0 };

export class DependencyGraph {
  /** caller → callee → confidence, and the reverse. */
  private readonly dependencies = new Map<string, Map<string, number>>();
  private readonly dependents = new Map<string, Map<string, number>>();
  /** Every service an edge names (edges are never removed). */
  private readonly named = new Set<string>();
  /** Bumped by every new or strengthened edge: results derived from the graph are valid while it stands. */
  private changes = 0;

  constructor(edges: Iterable<Edge> = []) {
    for (const edge of edges) this.add(edge);
  }

  /** Adds an edge, or raises its confidence; returns false when it was already known at least that well. */
  add(edge: Edge): boolean {
    if (edge.from === edge.to) return false;
    const confidence = Math.min(1, Math.max(0, edge.confidence ?? 1));
    if (confidence <= 0) return false;
    const out = this.dependencies.get(edge.from) ?? new Map<string, number>();
    if ((out.get(edge.to) ?? 0) >= confidence) return false;
    out.set(edge.to, confidence);
    this.dependencies.set(edge.from, out);
    const into = this.dependents.get(edge.to) ?? new Map<string, number>();
    into.set(edge.from, confidence);
    this.dependents.set(edge.to, into);
    this.named.add(edge.from).add(edge.to);
    this.changes++;
    return true;
  }

  get version(): number {
    return this.changes;
  }

  edges(): Edge[] {
    return [...this.dependencies].flatMap(([from, tos]) =>
      [...tos].map(([to, confidence]) => ({ from, to, confidence })),
    );
  }

  /** How many services the graph names, as caller or callee. */
  get serviceCount(): number {
    return this.named.size;
  }

  /** Whether the graph names the service, as caller or callee. */
  names(service: string): boolean {
    return this.named.has(service);
  }

  dependenciesOf(service: string): ReadonlySet<string> {
    return new Set(this.dependencies.get(service)?.keys() ?? []);
  }

  /** The services that call `service`, with at least the given confidence. */
  callersOf(service: string, minConfidence = 0): string[] {
    return [...(this.dependents.get(service) ?? [])].filter(([, c]) => c >= minConfidence).map(([s]) => s);
  }

  /**
   * Whether the graph knows a service's edges completely enough that a missing path means
   * something: 1 when a complete source (a catalog, calls seen) names an edge of it, 0 when only
   * inference (which finds some edges, never all) or nothing does.
   */
  coverage(service: string): number {
    for (const c of this.dependencies.get(service)?.values() ?? []) if (c >= 1) return 1;
    for (const c of this.dependents.get(service)?.values() ?? []) if (c >= 1) return 1;
    return 0;
  }

  /**
   * Whether the graph knows every path from a service in one direction (its dependencies, or its
   * callers) within maxHops: the least coverage of the service and of each one reached. When it
   * does, a service outside them is not connected that way, known to the graph or not.
   */
  closedCoverage(service: string, direction: 'downstream' | 'upstream', maxHops: number): number {
    let least = this.coverage(service);
    const next = direction === 'downstream' ? this.dependencies : this.dependents;
    this.walk(service, next, maxHops, (node) => {
      least = Math.min(least, this.coverage(node));
    });
    return least;
  }

  /** How the changed service relates to the symptom's service, within `maxHops`. */
  relation(symptomService: string, changedService: string, maxHops: number): Relation {
    if (symptomService === changedService)
      return { direction: 'same', hops: 0, path: [symptomService], confidence: 1 };
    return this.reach(symptomService, maxHops).get(changedService) ?? UNRELATED;
  }

  /**
   * Every service within maxHops of `service` and how it relates to it: its dependencies
   * (downstream, shortest path, each hop in name order: deterministic among equally short paths)
   * and, for the rest, its dependents (upstream).
   */
  reach(service: string, maxHops: number): Map<string, Relation> {
    const out = new Map<string, Relation>();
    for (const [direction, next] of [
      ['downstream', this.dependencies],
      ['upstream', this.dependents],
    ] as const) {
      this.walk(service, next, maxHops, (node, path, confidence) => {
        if (!out.has(node)) out.set(node, { direction, hops: path.length - 1, path, confidence });
      });
    }
    return out;
  }

  /** Breadth-first from start along `next`, at most maxHops: visit(node, path, confidence) for each service reached, nearest first. */
  private walk(
    start: string,
    next: ReadonlyMap<string, ReadonlyMap<string, number>>,
    maxHops: number,
    visit: (node: string, path: string[], confidence: number) => void,
  ): void {
    const seen = new Set<string>([start]);
    let frontier: { node: string; path: string[]; confidence: number }[] = [
      { node: start, path: [start], confidence: 1 },
    ];
    for (let hop = 0; hop < maxHops && frontier.length > 0; hop++) {
      const following: typeof frontier = [];
      for (const { node, path, confidence } of frontier) {
        const neighbours = [...(next.get(node) ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        for (const [neighbour, c] of neighbours) {
          if (seen.has(neighbour)) continue;
          seen.add(neighbour);
          const step = { node: neighbour, path: [...path, neighbour], confidence: confidence * c };
          visit(step.node, step.path, step.confidence);
          following.push(step);
        }
      }
      frontier = following;
    }
  }
}
