// The action bodies are read against their schemas (the ones the OpenAPI document shows): a 400
// names the field and says what is wrong; blank text counts as not given.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INCIDENT_BODIES } from '../incidents/incident-bodies.js';
import { PROBLEM_BODIES } from '../problems/problem-bodies.js';
import { ApiError } from './api-error.js';
import { readBody } from './body.js';

function refusal(run: () => unknown): { code: string; field?: string; reason: string } {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, String(error));
    assert.equal(error.getStatus(), 400);
    return (error.getResponse() as { error: { code: string; field?: string; reason: string } }).error;
  }
  assert.fail('expected a 400');
}

describe('action bodies', () => {
  it('trim text and leave out what is blank or null', () => {
    assert.deepEqual(readBody(INCIDENT_BODIES.IncidentNoteBody, { comment: '  on it  ' }), {
      comment: 'on it',
    });
    assert.deepEqual(readBody(INCIDENT_BODIES.IncidentNoteBody, { comment: '   ' }), {});
    assert.deepEqual(readBody(INCIDENT_BODIES.IncidentNoteBody, { comment: null, extra: 1 }), { extra: 1 });
  });

  it('name a required field that is missing or blank, with why it is required', () => {
    for (const body of [{}, { comment: ' ' }]) {
      const error = refusal(() => readBody(INCIDENT_BODIES.IncidentCommentBody, body));
      assert.deepEqual(error, {
        code: 'request.missing-field',
        field: 'comment',
        reason: 'is required to comment',
      });
    }
    const fix = refusal(() => readBody(PROBLEM_BODIES.ProblemResolveBody, { comment: 'done' }));
    assert.equal(fix.field, 'fixChangeId');
    assert.match(fix.reason, /^is required to resolve a problem/);
    const link = refusal(() => readBody(PROBLEM_BODIES.ProblemLinkBody, { incidentId: ' ' }));
    assert.deepEqual(
      [link.field, link.reason],
      ['incidentId', 'is required to link an incident to the problem or unlink it (its id)'],
    );
  });

  it('refuse a value of the wrong type, too long, or not in the list, naming the field', () => {
    assert.deepEqual(
      refusal(() => readBody(INCIDENT_BODIES.IncidentNoteBody, { comment: 42 })),
      {
        code: 'request.invalid',
        field: 'comment',
        reason: 'expected a string',
      },
    );
    const long = refusal(() => readBody(PROBLEM_BODIES.ProblemResolveBody, { fixChangeId: 'x'.repeat(513) }));
    assert.equal(long.field, 'fixChangeId');
    assert.equal(long.reason, 'is 513 characters long; the limit is 512');
    const severity = refusal(() => readBody(INCIDENT_BODIES.IncidentSeverityBody, { severity: 'urgent' }));
    assert.equal(severity.field, 'severity');
    assert.equal(severity.reason, '"urgent" is not one of critical, high, warning, info');
  });

  it('refuse a body that is not a JSON object', () => {
    for (const body of [null, [], 'text', 3])
      assert.equal(refusal(() => readBody(INCIDENT_BODIES.IncidentNoteBody, body)).field, '(body)');
  });
});
