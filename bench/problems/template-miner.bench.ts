// Template-miner throughput against its ceiling, a plain whitespace tokenise pass over the same
// lines, in the same process: the loghub-2k `Content` lines of all 8 systems concatenated and
// repeated to about a million lines. Prints lines/s (wall clock and per CPU second), the ratio and
// peak RSS; asserts nothing. Returns the lines and the one-stream timing, which bench:problems sets
// beside drain3 (drain3.ts).
// Run on its own: node dist/bench/problems/template-miner.bench.js
import { pathToFileURL } from 'node:url';
import { TemplateMiner, tokenizeMessage } from '#core';
import { loadLoghub, SYSTEMS } from '../../eval/templates/loghub.js';
import type { Timed } from './drain3.js';

const TARGET_LINES = 1_000_000;

export async function benchTemplateMiner(
  log: (line: string) => void,
): Promise<{ lines: readonly string[]; steady: Timed }> {
  const corpus = SYSTEMS.flatMap((s) => loadLoghub(s).content);
  const repeats = Math.ceil(TARGET_LINES / corpus.length);
  const lines: string[] = [];
  for (let r = 0; r < repeats; r++) for (const line of corpus) lines.push(line);
  log(
    `template miner bench: ${lines.length.toLocaleString('en')} lines ` +
      `(${corpus.length.toLocaleString('en')} loghub-2k lines of ${SYSTEMS.length} systems × ${repeats})`,
  );

  // Warm both code paths up on one pass of the corpus before measuring.
  tokeniseAll(corpus);
  mineAll(corpus, new TemplateMiner());
  await settle();
  log(`  RSS before measuring: ${Math.round(process.memoryUsage().rss / 1024 / 1024)} MB (Node, the lines)`);

  const rss = new PeakRss();
  const ceiling = timed(() => tokeniseAll(lines));
  const ceilingRss = rss.take();
  log(
    `  tokenise only (ceiling)      ${rate(lines.length, ceiling)} lines/s  (${seconds(ceiling)}; peak RSS ${ceilingRss})`,
  );

  await settle();
  rss.reset();
  const miner = new TemplateMiner();
  const cpuBefore = process.cpuUsage();
  const steady = timed(() => mineAll(lines, miner));
  const cpu = process.cpuUsage(cpuBefore);
  const steadyCpu = (cpu.user + cpu.system) / 1e6;
  const steadyRss = rss.take();
  const stats = miner.stats();
  log(
    `  miner, one stream            ${rate(lines.length, steady)} lines/s  (${seconds(steady)}; ` +
      `${rate(lines.length, steadyCpu).trim()} lines per CPU second; peak RSS ${steadyRss}; ` +
      `${stats.templates} templates, ${stats.merged} merged, ${stats.evicted} evicted)`,
  );

  // Cold: a fresh miner for every pass over the corpus, so every pass learns all templates again.
  await settle();
  rss.reset();
  const cold = timed(() => {
    for (let r = 0; r < repeats; r++) mineAll(corpus, new TemplateMiner());
  });
  const coldRss = rss.take();
  log(
    `  miner, fresh every 16k lines ${rate(lines.length, cold)} lines/s  (${seconds(cold)}; peak RSS ${coldRss})`,
  );

  log(
    `  miner throughput = ${(ceiling / steady).toFixed(3)} × the tokenise-only ceiling (one stream), ` +
      `${(ceiling / cold).toFixed(3)} × (fresh miners); process peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
  );
  return { lines, steady: { lines: lines.length, wall: steady, cpu: steadyCpu } };
}

let sink = 0;

function tokeniseAll(lines: readonly string[]): void {
  let tokens = 0;
  for (const line of lines) tokens += tokenizeMessage(line).length;
  sink += tokens;
}

function mineAll(lines: readonly string[], miner: TemplateMiner): void {
  let n = 0;
  for (const line of lines) n += miner.add(line).template.length;
  sink += n;
}

function timed(run: () => void): number {
  const start = performance.now();
  run();
  return (performance.now() - start) / 1000;
}

/** Lets the garbage collector and the RSS sampler run between phases. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

const rate = (n: number, s: number) =>
  Math.round(n / s)
    .toLocaleString('en')
    .padStart(11);
const seconds = (s: number) => `${s.toFixed(2)} s`;

/**
 * Peak RSS of a phase. The phases are synchronous loops, so a timer cannot sample during them:
 * the RSS is read after the phase (memory is not returned to the OS that fast) and compared with
 * the process's maximum RSS, which the kernel tracks.
 */
class PeakRss {
  private startMax = process.resourceUsage().maxRSS;

  reset(): void {
    this.startMax = process.resourceUsage().maxRSS;
  }

  take(): string {
    const now = process.memoryUsage().rss / 1024 / 1024;
    const maxKb = process.resourceUsage().maxRSS;
    const phaseMax = maxKb > this.startMax ? maxKb / 1024 : now;
    return `${Math.round(Math.max(now, phaseMax))} MB`;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchTemplateMiner((line) => console.log(line));
  if (sink < 0) console.log(sink);
}
