import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createChangeAndAlertNormalisers } from './change-alert-formats.js';
import { codec } from './spec-support.js';

describe('change and alert formats', () => {
  it('registers each format once, and github only with a webhook secret', () => {
    const formats = (secret?: string) =>
      createChangeAndAlertNormalisers({ codec, githubSecret: secret }).map((n) => n.format);
    assert.deepEqual(formats(), ['cloudevents', 'cdevents', 'alertmanager', 'pagerduty', 'argocd']);
    assert.deepEqual(formats('s3cret'), [
      'cloudevents',
      'cdevents',
      'alertmanager',
      'pagerduty',
      'argocd',
      'github',
    ]);
  });
});
