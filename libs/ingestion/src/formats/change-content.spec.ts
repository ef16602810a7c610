import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyContent, type Change } from '#contracts';
import { CDEventsNormaliser } from './cdevents.js';
import {
  contentFromCompare,
  contentFromExtensions,
  contentFromObject,
  entropy,
  mergeContent,
} from './change-content.js';
import { CloudEventsNormaliser } from './cloudevents.js';
import { GitHubDeploymentNormaliser, gitHubSignature } from './github.js';
import { assertValid, codec, context, fixtureJson, raw, refusal } from './spec-support.js';

/** Compare data as GitHub's compare API answers it, trimmed to what a pipeline attaches. */
const COMPARE = {
  total_commits: 3,
  commits: [
    { sha: 'a1', commit: { message: 'Cache the cart totals' } },
    { sha: 'b2', commit: { message: 'Fix rounding of discounts (#812)' } },
    { sha: 'c3', commit: { message: 'Tests for the cache' } },
  ],
  files: [
    { filename: 'cart/src/cache.ts', status: 'added', additions: 60, deletions: 0, changes: 60 },
    { filename: 'cart/src/totals.ts', status: 'modified', additions: 12, deletions: 8, changes: 20 },
    { filename: 'cart/test/cache.spec.ts', status: 'added', additions: 20, deletions: 0, changes: 20 },
    { filename: 'README.md', status: 'modified', additions: 0, deletions: 0, changes: 0 },
  ],
};

const changeOf = (events: readonly { event: string; value: unknown }[]) => events[0]!.value as Change;

describe('change content from what sources send', () => {
  it('reads canonical names and the data sets’ abbreviations, leaving the rest unknown', () => {
    assert.deepEqual(
      contentFromObject({ linesAdded: 10, ld: 4, nf: 2, ent: 0.9, aexp: 120, fix: true }, 'c'),
      {
        ...emptyContent(),
        linesAdded: 10,
        linesDeleted: 4,
        files: 2,
        entropy: 0.9,
        authorExperience: 120,
        fix: true,
      },
    );
    assert.equal(contentFromObject({}, 'c'), null);
    assert.equal(contentFromObject(undefined, 'c'), null);
  });

  it('refuses what is not a count, a measure or a flag, naming the field', () => {
    for (const [value, field, reason] of [
      [{ files: 2.5 }, 'content.files', /not a whole number/],
      [{ la: -3 }, 'content.la', /below zero/],
      [{ entropy: 'wide' }, 'content.entropy', /not a number/],
      [{ fix: 'maybe' }, 'content.fix', /true or false/],
      ['ten files', 'content', /expected an object/],
    ] as const) {
      const error = refusal(() => contentFromObject(value, 'content'));
      assert.equal(error.field, field);
      assert.match(error.reason, reason);
    }
  });

  it('derives lines, spread, entropy, commits and purpose from compare data', () => {
    assert.deepEqual(contentFromCompare(COMPARE, 'compare'), {
      ...emptyContent(),
      linesAdded: 92,
      linesDeleted: 8,
      files: 4,
      directories: 3, // cart/src, cart/test, the root
      subsystems: 2, // cart, the root
      entropy: entropy([60, 20, 20, 0]),
      commits: 3,
      fix: true,
      revert: false,
    });
    assert.equal(entropy([60, 20, 20, 0]).toFixed(4), '1.3710');
    assert.equal(entropy([5]), 0);
    assert.equal(
      contentFromCompare({ commits: [{ commit: { message: 'Revert "Cache the cart totals"' } }] }, 'c')!
        .revert,
      true,
    );
  });

  it('merges sources field by field, the first that knows a field winning', () => {
    const merged = mergeContent(
      contentFromObject({ linesAdded: 5 }, 'a'),
      contentFromObject({ linesAdded: 7, files: 1 }, 'b'),
    );
    assert.equal(merged!.linesAdded, 5);
    assert.equal(merged!.files, 1);
    assert.equal(mergeContent(null, undefined), null);
  });

  it('reads CloudEvents extension attributes as text', () => {
    const content = contentFromExtensions(
      { changela: '40', changenf: '3', changefix: 'true', other: 'x' },
      (n) => n,
    );
    assert.deepEqual(content, { ...emptyContent(), linesAdded: 40, files: 3, fix: true });
    assert.equal(
      refusal(() => contentFromExtensions({ changenf: 'three' }, (n) => `ce_${n}`)).field,
      'ce_changenf',
    );
  });
});

describe('change content through the formats', () => {
  it('GitHub: deployment.payload.content first, then the compare data the pipeline attached', () => {
    const secret = 'aftershock-test-webhook-secret';
    const body = fixtureJson('github', 'deployment_status-success.json') as {
      deployment: Record<string, unknown>;
    };
    body.deployment['payload'] = { content: { authorExperience: 250, linesAdded: 90 }, compare: COMPARE };
    const bytes = Buffer.from(JSON.stringify(body));
    const events = new GitHubDeploymentNormaliser(secret).normalise(
      raw(bytes, {
        'content-type': 'application/json',
        'x-github-event': 'deployment_status',
        'x-hub-signature-256': gitHubSignature(bytes, secret),
      }),
      context,
    );
    assertValid(events);
    const content = changeOf(events).content!;
    assert.equal(content.authorExperience, 250);
    assert.equal(content.linesAdded, 90, 'the producer’s own word wins over the compare data');
    assert.equal(content.linesDeleted, 8);
    assert.equal(content.files, 4);
    assert.equal(content.fix, true);
  });

  it('CDEvents: customData.content; refused naming the field when malformed', () => {
    const body = fixtureJson('cdevents', 'service-deployed.json') as { customData: Record<string, unknown> };
    body.customData['content'] = { linesAdded: 12, linesDeleted: 3, files: 2, revert: false };
    const events = new CDEventsNormaliser().normalise(raw(body), context);
    assertValid(events);
    assert.deepEqual(changeOf(events).content, {
      ...emptyContent(),
      linesAdded: 12,
      linesDeleted: 3,
      files: 2,
      revert: false,
    });
    body.customData['content'] = { files: -1 };
    assert.equal(
      refusal(() => new CDEventsNormaliser().normalise(raw(body), context)).field,
      'customData.content.files',
    );
  });

  it('CloudEvents: extension attributes fill what the event’s data leaves unknown, in both modes', () => {
    const normaliser = new CloudEventsNormaliser({ codec });
    const cdevent = fixtureJson('cdevents', 'service-deployed.json');
    const structured = {
      specversion: '1.0',
      id: 'ce-1',
      source: '/tekton',
      type: 'dev.cdevents.service.deployed.0.2.0',
      time: '2026-11-02T11:58:47Z',
      datacontenttype: 'application/json',
      changela: '30',
      changend: '2',
      data: cdevent,
    };
    const events = normaliser.normalise(
      raw(structured, { 'content-type': 'application/cloudevents+json' }),
      context,
    );
    assertValid(events);
    assert.deepEqual(changeOf(events).content, { ...emptyContent(), linesAdded: 30, directories: 2 });

    const change = {
      id: 'cfg-1',
      kind: 'config',
      service: 'cart',
      startedAt: Date.UTC(2026, 10, 2, 12),
      content: { files: 1 },
    };
    const binary = normaliser.normalise(
      raw(change, {
        ce_specversion: '1.0',
        ce_id: 'ce-2',
        ce_source: '/flags',
        ce_type: 'dev.aftershock.change.v1',
        ce_changenf: '9',
        ce_changeexp: '40',
        'content-type': 'application/json',
      }),
      context,
    );
    assertValid(binary);
    assert.deepEqual(changeOf(binary).content, { ...emptyContent(), files: 1, authorExperience: 40 });
  });
});
