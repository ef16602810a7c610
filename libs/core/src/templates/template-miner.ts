// A streaming template miner for log lines, incident titles and alert messages.
//
// Each message is masked (masking.ts) and split into tokens. Templates live in leaves keyed by
// token count only: no token's value partitions them, so a variable first token (a program or
// service name) cannot split an event. Within a leaf a message is compared position by position
// with every template:
//   - equal tokens, a `<*>` in the template, or a partial template token such as `node-<*>` that
//     the message token fits, match;
//   - a mismatch is "soft" when either side holds a variable, when two names share a dotted
//     namespace (`org.apache.x.A` / `org.apache.x.y.B`: Hadoop), or when two constants are values
//     of one variable by their shape (shapes.ts: quoted tokens, `key=value` with the same key, file
//     names, e-mail addresses, URLs, structured ids). The message joins the template with the
//     most matching positions when at least `similarity` of its positions match, and the template
//     refines (the position becomes `<*>`, keeping a common prefix/suffix that ends at
//     punctuation, e.g. `MININT-<*>`);
//   - a mismatch between two other constant words is "hard": `bytes` vs `values` (Spark), `NEW`
//     vs `RUNNING` (Hadoop). Two words are not merged on sight.
// Variant groups weigh the evidence that a word position is a variable. A message exactly one
// hard mismatch away from a template starts its own template and joins a group at that position,
// which counts the distinct words seen there. The position becomes a variable, and the group
// merges into its oldest member (whose id survives; the others become aliases, see `resolve()`),
// when
//   - it has shown `wordVariants` distinct words of any shape: enumerations of states and event
//     kinds have few values (Zookeeper's LOOKING/FOLLOWING/LEADING, the four `VM Started/Paused/
//     Resumed/Stopped (Lifecycle Event)` of issue 18 stay apart), while a service name as the
//     first token (issue 18: seven of them) does not; or
//   - it has shown `nameVariants` distinct lowercase names, or values that already hold a masked
//     part (structured ids of several shapes), and the message around the position has at least
//     `nameContext` constant words: user, host and program names are lowercase by convention,
//     event vocabulary rarely is, and a short message (`boot (command <*>)`: HPC) is mostly its
//     varying word (OpenSSH `Failed password for root|git|ftp …`; issue 18: a user field with
//     three values; package ids of several shapes).
// Either rule also needs more than half of the message's other tokens to be constant words around
// the position: where much of a short message varies, the varying word is what tells events apart
// (HPC's six commands in `boot (command <*>)`; incident titles such as `disk timeout on svc-<*>`).
// A variable may span tokens: a message whose extra tokens sit where a template of the same
// context has a `<*>` joins it (issue 18: `lifetime <1 sec` vs `lifetime 00:01`); a longer
// template whose extra tokens sit at a new message's `<*>` is merged into the new one.
// Template ids hash the text a template was created with (template-id.ts) and never change as it
// refines. A bounded map from masked text to template skips the leaf scan for repeated messages.
// Memory is bounded: at most `maxTemplates` templates and `maxClustersPerLeaf` per leaf; the
// least recently used template is evicted (counted in stats()).
import { maskMessage, WILDCARD } from './masking.js';
import { isNameLike, isWordChar, sameValueShape } from './shapes.js';
import { templateIdOf } from './template-id.js';

export interface TemplateMinerOptions {
  /** Fraction of positions that must match for a message to join a template (soft mismatches). */
  readonly similarity?: number;
  /** Distinct words of any shape seen at one position before that position becomes a variable. */
  readonly wordVariants?: number;
  /** Distinct lowercase names seen at one position before it becomes a variable (with context). */
  readonly nameVariants?: number;
  /** Constant words a position needs around it for the lowercase-name rule. */
  readonly nameContext?: number;
  /** Extra tokens a variable may span (0: a variable is always one token). */
  readonly spanTokens?: number;
  /** Templates held at most; the least recently used one is evicted beyond this. */
  readonly maxTemplates?: number;
  /** Templates held at most per leaf (same token count). */
  readonly maxClustersPerLeaf?: number;
  /**
   * Tokenises and masks a message. Defaults to the generic `maskMessage`; replaceable for
   * experiments (the evaluation's ablations), not meant for per-source tuning.
   */
  readonly mask?: (text: string) => string[];
}

export interface TemplateMatch {
  readonly templateId: string;
  readonly template: string;
}

export interface AddResult extends TemplateMatch {
  /** This message created a template that did not exist before. */
  readonly isNew: boolean;
  /** An existing template changed its text (refined or merged) because of this message. */
  readonly changed: boolean;
  /**
   * Ids of templates merged into `templateId` because of this message (usually none): from now
   * on they answer to `templateId` (`resolve()`). An online consumer records these as events.
   */
  readonly merged: readonly string[];
}

export interface TemplateInfo {
  readonly id: string;
  readonly template: string;
  readonly count: number;
  /** Sequence numbers (1-based count of add() calls) of the first and latest message. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface TemplateMinerStats {
  readonly messages: number;
  readonly templates: number;
  readonly leaves: number;
  readonly created: number;
  readonly refined: number;
  readonly merged: number;
  readonly evicted: number;
  readonly aliases: number;
}

const KIND_CONSTANT = 0;
const KIND_WILDCARD = 1;
const KIND_PARTIAL = 2;

interface Leaf {
  readonly size: number;
  readonly clusters: Cluster[];
}

interface VariantGroup {
  readonly position: number;
  readonly members: Cluster[];
  readonly values: Set<string>;
  /** Constant words around the position (the fewest any member had when it joined). */
  context: number;
  /** Every value is a lowercase name or holds a masked value (shapes.ts, isNameLike). */
  names: boolean;
}

interface Cluster {
  readonly id: string;
  readonly tokens: string[];
  readonly kinds: Uint8Array;
  readonly globs: (readonly string[] | undefined)[];
  readonly leaf: Leaf;
  readonly created: number;
  count: number;
  lastSeen: number;
  alive: boolean;
  text: string;
  groups: Map<number, VariantGroup> | undefined;
  absorbed: string[] | undefined;
  prev: Cluster | undefined;
  next: Cluster | undefined;
}

interface Spanning {
  readonly cluster: Cluster;
  /** The template's `<*>` that stands for several of the message's tokens, and how many more. */
  readonly at: number;
  readonly extra: number;
}

interface Found {
  best?: Cluster;
  sibling?: Cluster;
  siblingPosition: number;
  siblingContext: number;
}

/** Distinct masked texts remembered for the fast path, per generation (bounded memory). */
const EXACT_CACHE_SIZE = 4096;
const NONE: readonly string[] = Object.freeze([]);

export const TEMPLATE_MINER_DEFAULTS = {
  similarity: 0.5,
  wordVariants: 6,
  nameVariants: 3,
  nameContext: 2,
  spanTokens: 2,
  maxTemplates: 10_000,
  maxClustersPerLeaf: 300,
} as const;

export class TemplateMiner {
  private readonly similarity: number;
  private readonly wordVariants: number;
  private readonly nameVariants: number;
  private readonly nameContext: number;
  private readonly spanTokens: number;
  private readonly maxTemplates: number;
  private readonly maxClustersPerLeaf: number;
  private readonly mask: (text: string) => string[];
  /** Leaves by token count. */
  private readonly leaves: (Leaf | undefined)[] = [];
  private leafCount = 0;
  /** Live templates by id. */
  private readonly byId = new Map<string, Cluster>();
  /** Live templates from least (head) to most (tail) recently used: an intrusive list. */
  private head: Cluster | undefined;
  private tail: Cluster | undefined;
  /** Masked message text → the template it went to: repeated messages skip the leaf scan. */
  private exact = new Map<string, Cluster>();
  private previous = new Map<string, Cluster>();
  /** Ids of templates merged into another → the id that absorbed them. */
  private readonly aliases = new Map<string, string>();
  /** Ids merged by the current add() call. */
  private mergedNow: string[] | undefined;
  private seq = 0;
  private created = 0;
  private refined = 0;
  private merged = 0;
  private evicted = 0;

  constructor(options: TemplateMinerOptions = {}) {
    const d = TEMPLATE_MINER_DEFAULTS;
    this.similarity = options.similarity ?? d.similarity;
    this.wordVariants = Math.max(2, options.wordVariants ?? d.wordVariants);
    this.nameVariants = Math.max(2, options.nameVariants ?? d.nameVariants);
    this.nameContext = Math.max(0, options.nameContext ?? d.nameContext);
    this.spanTokens = Math.max(0, Math.floor(options.spanTokens ?? d.spanTokens));
    this.maxTemplates = Math.max(1, options.maxTemplates ?? d.maxTemplates);
    this.maxClustersPerLeaf = Math.max(1, options.maxClustersPerLeaf ?? d.maxClustersPerLeaf);
    this.mask = options.mask ?? maskMessage;
    if (!(this.similarity >= 0 && this.similarity <= 1))
      throw new RangeError('similarity must be within [0, 1]');
  }

  /** Learns from one message and returns its template. */
  add(text: string): AddResult {
    const seq = ++this.seq;
    this.mergedNow = undefined;
    const tokens = this.mask(text);
    const masked = tokens.join(' ');
    const known = this.cached(masked);
    // A text seen before is covered by its template already: templates only generalise.
    if (known) return this.joined(known, known.tokens, masked, seq);
    const leaf = this.leafOf(tokens.length);
    const found = this.search(leaf, tokens);
    if (found.best) return this.joined(found.best, tokens, masked, seq);
    const spanning = this.spanTokens > 0 ? this.shorterSpanning(tokens) : undefined;
    if (spanning) {
      const { cluster, at, extra } = spanning;
      const changed = this.refineAround(cluster, tokens, at, extra);
      return this.joined(cluster, cluster.tokens, masked, seq, changed);
    }
    const cluster = this.create(leaf, tokens, masked, seq);
    let result: Cluster = cluster;
    if (found.sibling)
      result = this.joinVariants(found.sibling, found.siblingPosition, found.siblingContext, cluster);
    if (result === cluster && this.spanTokens > 0) this.absorbLongerSpanning(cluster);
    this.enforceBounds(leaf, result);
    this.remember(masked, result);
    // A template created and merged by this very message was never reported: no event for it.
    const merged = this.mergedBy(cluster.id);
    if (result === cluster)
      return { templateId: cluster.id, template: cluster.text, isNew: true, changed: false, merged };
    return { templateId: result.id, template: result.text, isNew: false, changed: true, merged };
  }

  /** A message joins an existing template, which may refine (and then absorb its variants). */
  private joined(
    cluster: Cluster,
    tokens: readonly string[],
    masked: string,
    seq: number,
    refined = false,
  ): AddResult {
    const changed = this.refine(cluster, tokens) || refined;
    const live = cluster.alive ? cluster : this.byId.get(this.resolve(cluster.id)!)!;
    this.touch(live, seq);
    live.count++;
    this.remember(masked, live);
    return { templateId: live.id, template: live.text, isNew: false, changed, merged: this.mergedBy() };
  }

  /** Ids the current add() merged into another template, except one it created itself. */
  private mergedBy(created?: string): readonly string[] {
    const ids: string[] | undefined = this.mergedNow;
    if (ids === undefined) return NONE;
    return created === undefined ? ids : ids.filter((id) => id !== created);
  }

  /** The template a message belongs to, without learning from it. */
  match(text: string): TemplateMatch | undefined {
    const tokens = this.mask(text);
    const known = this.cached(tokens.join(' '));
    if (known) return { templateId: known.id, template: known.text };
    const leaf = this.leaves[tokens.length];
    const best = (leaf && this.search(leaf, tokens).best) ?? this.shorterSpanning(tokens)?.cluster;
    return best ? { templateId: best.id, template: best.text } : undefined;
  }

  /** The live id a template id now answers to (itself, or the template that absorbed it). */
  resolve(id: string): string | undefined {
    if (this.byId.has(id)) return id;
    const target = this.aliases.get(id);
    return target !== undefined && this.byId.has(target) ? target : undefined;
  }

  /** The current text of a template, following merges. */
  template(id: string): string | undefined {
    const live = this.resolve(id);
    return live === undefined ? undefined : this.byId.get(live)!.text;
  }

  /** Live templates, oldest first. */
  templates(): TemplateInfo[] {
    return [...this.byId.values()]
      .sort((a, b) => a.created - b.created)
      .map((c) => ({
        id: c.id,
        template: c.text,
        count: c.count,
        firstSeen: c.created,
        lastSeen: c.lastSeen,
      }));
  }

  stats(): TemplateMinerStats {
    return {
      messages: this.seq,
      templates: this.byId.size,
      leaves: this.leafCount,
      created: this.created,
      refined: this.refined,
      merged: this.merged,
      evicted: this.evicted,
      aliases: this.aliases.size,
    };
  }

  private leafOf(size: number): Leaf {
    let leaf = this.leaves[size];
    if (!leaf) {
      leaf = { size, clusters: [] };
      this.leaves[size] = leaf;
      this.leafCount++;
    }
    return leaf;
  }

  private cached(masked: string): Cluster | undefined {
    let hit = this.exact.get(masked);
    if (hit === undefined) {
      hit = this.previous.get(masked);
      if (hit !== undefined) this.remember(masked, hit);
    }
    if (hit === undefined || hit.alive) return hit;
    const live = this.resolve(hit.id);
    return live === undefined ? undefined : this.byId.get(live);
  }

  private remember(masked: string, cluster: Cluster): void {
    if (this.exact.size >= EXACT_CACHE_SIZE) {
      // Two generations: the texts of the last generation that are still in use move forward.
      this.previous = this.exact;
      this.exact = new Map();
    }
    this.exact.set(masked, cluster);
  }

  private search(leaf: Leaf, tokens: readonly string[]): Found {
    const n = tokens.length;
    const minMatches = n === 0 ? 0 : Math.ceil(this.similarity * n - 1e-9);
    let best: Cluster | undefined;
    let bestScore = -1;
    let sibling: Cluster | undefined;
    let siblingScore = -1;
    let siblingPosition = -1;
    let siblingContext = 0;
    let hasWords = false;
    for (let i = 0; i < n && !hasWords; i++) hasWords = !tokens[i]!.includes(WILDCARD);
    for (const cluster of leaf.clusters) {
      const { kinds, tokens: own, globs } = cluster;
      let soft = 0;
      let hard = 0;
      let hardAt = -1;
      let context = 0;
      for (let i = 0; i < n; i++) {
        const kind = kinds[i]!;
        const w = tokens[i]!;
        let isHard: boolean;
        if (kind === KIND_WILDCARD) {
          if (!isPunctuation(w)) continue;
          isHard = true; // `****` is a constant, not a value of the variable
        } else {
          const t = own[i]!;
          if (t === w) {
            if (kind === KIND_CONSTANT) context++;
            continue;
          }
          if (kind === KIND_PARTIAL && globMatch(globs[i]!, w)) continue;
          isHard = !softMismatch(t, kind, w);
        }
        if (!isHard) soft++;
        else if (++hard > 1) break;
        else hardAt = i;
      }
      if (hard > 1) continue;
      const score = n - soft - hard;
      if (score < minMatches) continue;
      // A message with words joins only a template that shares one of them: a template of
      // variables alone would otherwise swallow every message of its length.
      if (context === 0 && hasWords) continue;
      if (hard === 0) {
        if (score > bestScore) {
          best = cluster;
          bestScore = score;
          if (score === n) break; // no template can match more positions
        }
      } else if (soft === 0 && score > siblingScore) {
        sibling = cluster;
        siblingScore = score;
        siblingPosition = hardAt;
        siblingContext = context;
      }
    }
    return best
      ? { best, siblingPosition: -1, siblingContext: 0 }
      : { sibling, siblingPosition, siblingContext };
  }

  /** A shorter template whose `<*>` takes the place of a run of this message's tokens. */
  private shorterSpanning(tokens: readonly string[]): Spanning | undefined {
    const n = tokens.length;
    for (let extra = 1; extra <= this.spanTokens && extra < n; extra++) {
      const leaf = this.leaves[n - extra];
      if (!leaf) continue;
      for (const cluster of leaf.clusters) {
        const at = spanAt(cluster.tokens, tokens, extra);
        if (at >= 0) return { cluster, at, extra };
      }
    }
    return undefined;
  }

  /** Longer templates whose extra tokens sit where `cluster` has a `<*>` become aliases of it. */
  private absorbLongerSpanning(cluster: Cluster): void {
    const n = cluster.tokens.length;
    for (let extra = 1; extra <= this.spanTokens; extra++) {
      const leaf = this.leaves[n + extra];
      if (!leaf) continue;
      for (const longer of [...leaf.clusters]) {
        const at = spanAt(cluster.tokens, longer.tokens, extra);
        if (at < 0) continue;
        this.refineAround(cluster, longer.tokens, at, extra);
        cluster.count += longer.count;
        this.absorb(cluster, longer);
      }
    }
  }

  /** Generalises `cluster` to cover `longer` outside the `<*>` at `at`, which spans `extra` more. */
  private refineAround(cluster: Cluster, longer: readonly string[], at: number, extra: number): boolean {
    const own = cluster.tokens;
    let changed = false;
    for (let i = 0; i < own.length; i++) {
      if (i === at || cluster.kinds[i] === KIND_WILDCARD) continue;
      const w = longer[i < at ? i : i + extra]!;
      if (own[i] === w || (cluster.kinds[i] === KIND_PARTIAL && globMatch(cluster.globs[i]!, w))) continue;
      setToken(cluster, i, mergeToken(own[i]!, w));
      changed = true;
    }
    if (!changed) return false;
    cluster.text = own.join(' ');
    this.refined++;
    return true;
  }

  /** Generalises a template so that it covers `tokens`. */
  private refine(cluster: Cluster, tokens: readonly string[]): boolean {
    if (tokens === cluster.tokens || tokens.length !== cluster.tokens.length) return false;
    let changed = false;
    let opened: VariantGroup[] | undefined;
    const { kinds, tokens: own } = cluster;
    for (let i = 0; i < tokens.length; i++) {
      const kind = kinds[i]!;
      if (kind === KIND_WILDCARD) continue;
      const w = tokens[i]!;
      const t = own[i]!;
      if (t === w || (kind === KIND_PARTIAL && globMatch(cluster.globs[i]!, w))) continue;
      setToken(cluster, i, mergeToken(t, w));
      changed = true;
      // A position with variants that now holds a variable: the variants are one template.
      const group = cluster.groups?.get(i);
      if (group) (opened ??= []).push(group);
    }
    if (changed) {
      cluster.text = own.join(' ');
      this.refined++;
    }
    for (const group of opened ?? []) if (cluster.alive) this.mergeGroup(group);
    return changed;
  }

  private create(leaf: Leaf, tokens: string[], text: string, seq: number): Cluster {
    let id = templateIdOf(text);
    for (let k = 2; this.byId.has(id) || this.aliases.has(id); k++) id = `${templateIdOf(text)}-${k}`;
    const n = tokens.length;
    const cluster: Cluster = {
      id,
      tokens: tokens.slice(),
      kinds: new Uint8Array(n),
      globs: new Array<readonly string[] | undefined>(n),
      leaf,
      created: seq,
      count: 1,
      lastSeen: seq,
      alive: true,
      text,
      groups: undefined,
      absorbed: undefined,
      prev: undefined,
      next: undefined,
    };
    for (let i = 0; i < n; i++) setToken(cluster, i, tokens[i]!);
    leaf.clusters.push(cluster);
    this.byId.set(id, cluster);
    this.append(cluster);
    this.created++;
    return cluster;
  }

  /**
   * `fresh` differs from `sibling` by one constant word at `position`, with `context` constant
   * words around it. Records the variant and, once the evidence says the position is a
   * variable, merges the group into its oldest member.
   */
  private joinVariants(sibling: Cluster, position: number, context: number, fresh: Cluster): Cluster {
    sibling.groups ??= new Map();
    let group = sibling.groups.get(position);
    if (!group) {
      const value = sibling.tokens[position]!;
      group = {
        position,
        members: [sibling],
        values: new Set([value]),
        context,
        names: isNameLike(value),
      };
      sibling.groups.set(position, group);
    }
    // Evicted members are dropped here, so a group stays as small as its live variants.
    if (group.members.some((m) => !m.alive)) {
      const live = group.members.filter((m) => m.alive);
      group.members.length = 0;
      group.members.push(...live);
    }
    const value = fresh.tokens[position]!;
    group.members.push(fresh);
    group.values.add(value);
    group.context = Math.min(group.context, context);
    group.names &&= isNameLike(value);
    fresh.groups ??= new Map();
    fresh.groups.set(position, group);
    return this.isVariable(group, fresh.tokens.length) ? this.mergeGroup(group) : fresh;
  }

  /** The evidence that a word position is a variable (see the comment at the top). */
  private isVariable(group: VariantGroup, size: number): boolean {
    // The rest of the message must be mostly constant words: in a short title such as
    // `disk timeout on svc-<*>` the first word is the kind of failure, not a value.
    if (2 * group.context <= size - 1) return false;
    const distinct = group.values.size;
    if (distinct >= this.wordVariants) return true;
    return group.names && distinct >= this.nameVariants && group.context >= this.nameContext;
  }

  /** Merges the live members of a variant group into the oldest one, whose id survives. */
  private mergeGroup(group: VariantGroup): Cluster {
    const members = group.members.filter((m) => m.alive);
    let survivor = members[0]!;
    for (const m of members) if (m.created < survivor.created) survivor = m;
    for (const m of members) {
      if (m === survivor) continue;
      for (let i = 0; i < m.tokens.length; i++) {
        const merged = mergeToken(survivor.tokens[i]!, m.tokens[i]!);
        if (merged !== survivor.tokens[i]) setToken(survivor, i, merged);
      }
      survivor.count += m.count;
      survivor.lastSeen = Math.max(survivor.lastSeen, m.lastSeen);
      this.absorb(survivor, m);
    }
    for (const m of members) m.groups?.delete(group.position);
    group.members.length = 0;
    survivor.text = survivor.tokens.join(' ');
    this.unlink(survivor);
    this.append(survivor);
    return survivor;
  }

  private absorb(survivor: Cluster, gone: Cluster): void {
    gone.alive = false;
    removeFrom(gone.leaf.clusters, gone);
    if (gone.leaf.clusters.length === 0) this.dropLeaf(gone.leaf);
    this.byId.delete(gone.id);
    this.unlink(gone);
    survivor.absorbed ??= [];
    this.aliases.set(gone.id, survivor.id);
    survivor.absorbed.push(gone.id);
    (this.mergedNow ??= []).push(gone.id);
    for (const id of gone.absorbed ?? []) {
      this.aliases.set(id, survivor.id);
      survivor.absorbed.push(id);
    }
    this.merged++;
  }

  private dropLeaf(leaf: Leaf): void {
    if (this.leaves[leaf.size] !== leaf) return;
    this.leaves[leaf.size] = undefined;
    this.leafCount--;
  }

  private touch(cluster: Cluster, seq: number): void {
    cluster.lastSeen = seq;
    if (this.tail === cluster) return;
    this.unlink(cluster);
    this.append(cluster);
  }

  private append(cluster: Cluster): void {
    cluster.prev = this.tail;
    cluster.next = undefined;
    if (this.tail) this.tail.next = cluster;
    else this.head = cluster;
    this.tail = cluster;
  }

  private unlink(cluster: Cluster): void {
    const { prev, next } = cluster;
    if (prev) prev.next = next;
    else if (this.head === cluster) this.head = next;
    if (next) next.prev = prev;
    else if (this.tail === cluster) this.tail = prev;
    cluster.prev = undefined;
    cluster.next = undefined;
  }

  private enforceBounds(leaf: Leaf, keep: Cluster): void {
    if (leaf.clusters.length > this.maxClustersPerLeaf) {
      let victim: Cluster | undefined;
      for (const c of leaf.clusters) if (c !== keep && (!victim || c.lastSeen < victim.lastSeen)) victim = c;
      if (victim) this.evict(victim);
    }
    while (this.byId.size > this.maxTemplates) {
      const oldest = this.head!;
      if (oldest === keep) break;
      this.evict(oldest);
    }
  }

  private evict(cluster: Cluster): void {
    cluster.alive = false;
    removeFrom(cluster.leaf.clusters, cluster);
    if (cluster.leaf.clusters.length === 0) this.dropLeaf(cluster.leaf);
    this.byId.delete(cluster.id);
    this.unlink(cluster);
    for (const id of cluster.absorbed ?? []) this.aliases.delete(id);
    this.evicted++;
  }
}

/**
 * Where `short` has a `<*>` that stands for `extra + 1` tokens of `long` holding a variable, every
 * other position of the two agreeing (equal, or one variable by the rules of a soft mismatch);
 * -1 when there is none.
 */
function spanAt(short: readonly string[], long: readonly string[], extra: number): number {
  const n = short.length;
  if (long.length !== n + extra) return -1;
  let prefix = 0;
  while (prefix < n && agree(short[prefix]!, long[prefix]!)) prefix++;
  let suffix = 0;
  while (suffix < n && agree(short[n - 1 - suffix]!, long[n + extra - 1 - suffix]!)) suffix++;
  // The `<*>` at w stands for long[w .. w + extra]: short[0, w) and short(w, n) must agree.
  for (let w = Math.max(0, n - 1 - suffix); w <= Math.min(prefix, n - 1); w++) {
    if (short[w] !== WILDCARD) continue;
    for (let k = w; k <= w + extra; k++) if (long[k]!.includes(WILDCARD)) return w;
  }
  return -1;
}

/** Two tokens at one position that one template can cover (no hard mismatch either way). */
function agree(a: string, b: string): boolean {
  if (a === b || a === WILDCARD || b === WILDCARD) return true;
  const kindA = a.includes(WILDCARD) ? KIND_PARTIAL : KIND_CONSTANT;
  if (kindA === KIND_PARTIAL && globMatch(a.split(WILDCARD), b)) return true;
  return softMismatch(a, kindA, b);
}

function setToken(cluster: Cluster, i: number, token: string): void {
  cluster.tokens[i] = token;
  if (token === WILDCARD) {
    cluster.kinds[i] = KIND_WILDCARD;
    cluster.globs[i] = undefined;
  } else if (token.includes(WILDCARD)) {
    cluster.kinds[i] = KIND_PARTIAL;
    cluster.globs[i] = token.split(WILDCARD);
  } else {
    cluster.kinds[i] = KIND_CONSTANT;
    cluster.globs[i] = undefined;
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}

/** Whether `s` fits a token pattern split at its wildcards (each `<*>` matches any text). */
export function globMatch(parts: readonly string[], s: string): boolean {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  let pos = first.length;
  const limit = s.length - last.length;
  for (let k = 1; k < parts.length - 1; k++) {
    const part = parts[k]!;
    const at = s.indexOf(part, pos);
    if (at < 0 || at + part.length > limit) return false;
    pos = at + part.length;
  }
  return true;
}

function isPunctuation(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (isWordChar(c)) return false;
  }
  return token !== WILDCARD && !token.includes(WILDCARD);
}

const NAMESPACE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+\.$/;

/**
 * Whether a template token `t` and a message token `w` that differ may still be one variable:
 * a message variable against a constant (not punctuation), a message pattern that covers the
 * template token, a template pattern sharing a constant prefix or suffix with the message token,
 * or two names in the same namespace (`org.apache.x.A` vs `org.apache.x.y.B`).
 */
function softMismatch(t: string, kind: number, w: string): boolean {
  if (w === WILDCARD) return !isPunctuation(t);
  if (w.includes(WILDCARD)) {
    if (globMatch(w.split(WILDCARD), t)) return true;
  } else if (kind === KIND_PARTIAL) {
    const first = t.slice(0, t.indexOf(WILDCARD));
    const last = t.slice(t.lastIndexOf(WILDCARD) + WILDCARD.length);
    if ((first.length > 0 && w.startsWith(first)) || (last.length > 0 && w.endsWith(last))) return true;
  } else if (t.charCodeAt(0) === w.charCodeAt(0)) {
    const min = Math.min(t.length, w.length);
    let p = 0;
    while (p < min && t.charCodeAt(p) === w.charCodeAt(p)) p++;
    const dot = t.lastIndexOf('.', p - 1);
    if (dot > 0 && NAMESPACE.test(t.slice(0, dot + 1))) return true;
  }
  return sameValueShape(t, w);
}

/**
 * The most specific token covering both `a` and `b`: equal tokens stay; otherwise the common
 * prefix up to its last punctuation and the common suffix from its first punctuation are kept
 * around a `<*>` (`MININT-A1`, `MININT-B2` → `MININT-<*>`; `'x_1'`, `'y_2'` → `'<*>'`).
 */
export function mergeToken(a: string, b: string): string {
  if (a === b) return a;
  if (a === WILDCARD || b === WILDCARD) return WILDCARD;
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  while (p > 0 && isWordChar(a.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < min - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  while (s > 0 && isWordChar(a.charCodeAt(a.length - s))) s--;
  // Never cut through an existing `<*>`, and do not put two wildcards side by side.
  if (p > 0 && a.charCodeAt(p - 1) === 60 /* < */ && a.startsWith(WILDCARD, p - 1)) p -= 1;
  else if (p > 1 && a.charCodeAt(p - 1) === 42 /* * */ && a.startsWith(WILDCARD, p - 2)) p -= 2;
  let e = a.length - s;
  if (s > 0 && a.charCodeAt(e) === 62 /* > */ && a.startsWith(WILDCARD, e - 2)) e += 1;
  else if (s > 1 && a.charCodeAt(e) === 42 /* * */ && a.startsWith(WILDCARD, e - 1)) e += 2;
  let prefix = a.slice(0, p);
  let suffix = a.slice(Math.max(e, p));
  if (prefix.endsWith(WILDCARD)) prefix = prefix.slice(0, -WILDCARD.length);
  if (suffix.startsWith(WILDCARD)) suffix = suffix.slice(WILDCARD.length);
  // A quoted value is one value: `"alt0"`, `"ee0"` → `<*>`, the quotes with it (HPC).
  const quote = prefix.charCodeAt(prefix.length - 1);
  if ((quote === 34 || quote === 39) && suffix.charCodeAt(0) === quote) {
    prefix = prefix.slice(0, -1);
    suffix = suffix.slice(1);
  }
  return prefix + WILDCARD + suffix;
}
