// Linking and unlinking by hand at the api: what is refused (and with which status and field)
// before a ProblemCommand goes on the bus, and the command that goes when it is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Incident, Problem, ProblemCommand } from '#contracts';
import { ManualClock } from '#core';
import type { ChangesRepository, IncidentsRepository, ProblemsRepository } from '#storage';
import { anIncident, aProblem, T0 } from '#testing';
import type { CommandsPublisher } from '../commands.publisher.js';
import { ApiError } from '../http/api-error.js';
import type { SloBudgets } from '../slo/slo-budgets.js';
import { ProblemsService, type ProblemActionInput } from './problems.service.js';

function service(problems: Problem[], incidents: Incident[]) {
  const sent: ProblemCommand[] = [];
  const publisher = {
    problem: (command: ProblemCommand) => {
      sent.push(command);
      return Promise.resolve(command);
    },
  } as unknown as CommandsPublisher;
  const problemRepo = {
    get: (id: string) => Promise.resolve(problems.find((p) => p.id === id)),
  } as unknown as ProblemsRepository;
  const incidentRepo = {
    get: (id: string) => Promise.resolve(incidents.find((i) => i.id === id)),
  } as unknown as IncidentsRepository;
  const svc = new ProblemsService(
    publisher,
    problemRepo,
    incidentRepo,
    {} as ChangesRepository,
    new ManualClock(T0),
    {} as SloBudgets,
  );
  return { svc, sent };
}

const input = (action: 'link' | 'unlink', incidentId: string | null): ProblemActionInput => ({
  action,
  actor: 'oncall@example.com',
  workaround: null,
  fixChangeId: null,
  incidentId,
  comment: 'same cause',
});

async function refusal(promise: Promise<unknown>): Promise<[number, string | undefined, string]> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ApiError);
    const body = error.getResponse() as { error: { field?: string; reason: string } };
    return [error.getStatus(), body.error.field, body.error.reason];
  }
  assert.fail('not refused');
}

describe('linking and unlinking at the api', () => {
  const problems = [
    aProblem({ id: 'prb-a', status: 'problem', members: ['inc-1', 'inc-2'] }),
    aProblem({ id: 'prb-one', status: 'candidate', members: ['inc-1'] }),
    aProblem({ id: 'prb-no', status: 'rejected', members: ['inc-2'] }),
  ];
  const incidents = ['inc-1', 'inc-2', 'inc-3'].map((id) => anIncident({ id }));

  it('publishes a link or an unlink naming the incident', async () => {
    const { svc, sent } = service(problems, incidents);
    await svc.act('prb-a', input('link', 'inc-3'));
    await svc.act('prb-a', input('unlink', 'inc-2'));
    assert.deepEqual(
      sent.map((c) => [c.problemId, c.action, c.incidentId, c.actor, c.comment, c.at]),
      [
        ['prb-a', 'link', 'inc-3', 'oncall@example.com', 'same cause', T0],
        ['prb-a', 'unlink', 'inc-2', 'oncall@example.com', 'same cause', T0],
      ],
    );
  });

  it('refuses what cannot apply: 400 naming incidentId, 404 unknown, 409 members and lifecycle', async () => {
    const { svc, sent } = service(problems, incidents);
    assert.deepEqual((await refusal(svc.act('prb-a', input('link', null)))).slice(0, 2), [400, 'incidentId']);
    assert.equal((await refusal(svc.act('prb-nowhere', input('link', 'inc-3'))))[0], 404);
    const unknown = await refusal(svc.act('prb-a', input('link', 'inc-nowhere')));
    assert.deepEqual([unknown[0], /inc-nowhere/.test(unknown[2])], [404, true]);
    assert.match((await refusal(svc.act('prb-a', input('link', 'inc-1'))))[2], /already a member/);
    assert.match((await refusal(svc.act('prb-a', input('unlink', 'inc-3'))))[2], /not a member/);
    assert.match((await refusal(svc.act('prb-one', input('unlink', 'inc-1'))))[2], /only member/);
    const rejected = await refusal(svc.act('prb-no', input('link', 'inc-3')));
    assert.deepEqual([rejected[0], /rejected/.test(rejected[2])], [409, true]);
    assert.deepEqual(sent, []);
  });
});
