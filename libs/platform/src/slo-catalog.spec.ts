// The SLO definitions directory as the server reads it: one set across files, a bad start
// refused with the file at fault, then watched — a broken edit keeps the last good set, a new
// file is picked up, other files are not read.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SloDefinition } from '#core';
import { openSloCatalog, SloCatalogError } from './slo-catalog.js';

const root = mkdtempSync(join(tmpdir(), 'aftershock-slos-'));
after(() => rmSync(root, { recursive: true, force: true }));

const sli = (name: string) =>
  `apiVersion: openslo/v1\nkind: SLI\nmetadata: { name: ${name} }\nspec:\n  thresholdMetric:\n    metricSource: { type: Aftershock, spec: { metric: latency_ms } }\n`;
const slo = (name: string, sliName: string, target = 0.99) =>
  `apiVersion: openslo/v1\nkind: SLO\nmetadata: { name: ${name} }\nspec:\n  service: ${name}\n  indicatorRef: ${sliName}\n  timeWindow: [{ duration: 28d, isRolling: true }]\n  budgetingMethod: Occurrences\n  objectives: [{ op: lte, value: 300, target: ${target} }]\n`;

/** The next reload or error of a watched catalog. */
function events() {
  const queue: ({ reload: readonly SloDefinition[] } | { error: Error })[] = [];
  let wake: (() => void) | undefined;
  const push = (e: (typeof queue)[number]) => (queue.push(e), wake?.());
  return {
    onReload: (slos: readonly SloDefinition[]) => push({ reload: slos }),
    onError: (error: Error) => push({ error }),
    async next() {
      while (queue.length === 0) await new Promise<void>((r) => (wake = r));
      return queue.shift()!;
    },
  };
}

describe('the SLO catalog', () => {
  it('reads a directory as one set: references resolve across files, other files are not read', () => {
    const dir = join(root, 'set');
    mkdirSync(join(dir, 'teams'), { recursive: true });
    writeFileSync(join(dir, 'slis.yaml'), sli('latency'));
    writeFileSync(join(dir, 'teams', 'checkout.yml'), slo('checkout', 'latency'));
    writeFileSync(join(dir, 'README.md'), 'not: [yaml');
    const catalog = openSloCatalog(dir);
    assert.deepEqual(
      catalog.current().map((s) => s.name),
      ['checkout'],
    );
  });

  it('refuses to start on a file at fault, naming it and the field', () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'checkout.yaml'), slo('checkout', 'missing'));
    assert.throws(
      () => openSloCatalog(dir),
      (e: Error) => e instanceof SloCatalogError && /checkout\.yaml: .*indicatorRef/.test(e.message),
    );
  });

  it('watched: a broken edit keeps the last good set; a new file is picked up', async () => {
    const dir = join(root, 'watched');
    mkdirSync(dir);
    writeFileSync(join(dir, 'checkout.yaml'), sli('latency') + '---\n' + slo('checkout', 'latency'));
    const seen = events();
    const catalog = openSloCatalog(dir, { debounceMs: 20, ...seen }).watch();
    after(() => catalog.close());
    writeFileSync(join(dir, 'checkout.yaml'), sli('latency') + '---\n' + slo('checkout', 'latency', 7));
    const error = await seen.next();
    assert.ok('error' in error && /checkout\.yaml: not valid OpenSLO v1: .*target/.test(error.error.message));
    assert.equal(catalog.current()[0]!.objectives[0]!.target, 0.99, 'the last good set stays');
    writeFileSync(join(dir, 'checkout.yaml'), sli('latency') + '---\n' + slo('checkout', 'latency'));
    writeFileSync(join(dir, 'search.yaml'), slo('search', 'latency', 0.95));
    let next = await seen.next();
    while (!('reload' in next && next.reload.length === 2)) next = await seen.next();
    assert.deepEqual(
      catalog.current().map((s) => [s.name, s.objectives[0]!.target]),
      [
        ['checkout', 0.99],
        ['search', 0.95],
      ],
    );
  });
});
