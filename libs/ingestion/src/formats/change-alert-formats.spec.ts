import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError } from '#contracts';
import { createChangeAndAlertNormalisers, FORMAT_NOT_CONFIGURED } from './change-alert-formats.js';
import { codec } from './spec-support.js';

describe('change and alert formats', () => {
  it('registers each format once', () => {
    const formats = (secret?: string) =>
      createChangeAndAlertNormalisers({ codec, githubSecret: secret }).map((n) => n.format);
    const all = ['cloudevents', 'cdevents', 'alertmanager', 'pagerduty', 'argocd', 'github'];
    assert.deepEqual(formats(), all);
    assert.deepEqual(formats('s3cret'), all);
  });

  it('without a webhook secret, github refuses every delivery naming the setting it needs', () => {
    const github = createChangeAndAlertNormalisers({ codec }).find((n) => n.format === 'github')!;
    const input = {
      body: Buffer.from('{}'),
      headers: {},
      source: 'http:/api/v1/ingest/github',
      receivedAt: 0,
    };
    assert.throws(
      () => github.normalise(input, { identity: undefined as never }),
      (e: DecodeError) => e.code === FORMAT_NOT_CONFIGURED && /set GITHUB_WEBHOOK_SECRET/.test(e.message),
    );
  });
});
