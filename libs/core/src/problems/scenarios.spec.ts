// One scenario file per behaviour (libs/core/scenarios/problems/*.json): incidents on a
// timeline, people's actions on the problem, and what problem management must conclude.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import type { ChangeKind, Problem, ProblemAction, Severity, Suspect } from '#contracts';
import { anIncident, aProblemCommand } from '#testing';
import { TemplateMiner } from '../templates/template-miner.js';
import { ProblemBook } from './problem-book.js';

interface IncidentStep {
  readonly at: string;
  readonly minutes: number;
  readonly title: string;
  readonly summary: string;
  readonly services: string[];
  readonly alerts: string[];
  readonly severity?: Severity;
  /** The stable labels the incident's alerts agree on. */
  readonly labels?: Record<string, string>;
  /** The top suspect change (default: "no change"). */
  readonly suspect?: {
    readonly changeId: string;
    readonly service: string;
    readonly kind: ChangeKind;
    readonly component: string | null;
  };
}
interface ActionStep {
  readonly action: ProblemAction;
  readonly at: string;
  readonly workaround?: string;
  readonly fixChangeId?: string;
}
interface ExpectedProblem {
  readonly status: string;
  readonly count: number;
  readonly factors?: string[];
  readonly periodMs?: number;
  readonly minImpact?: number;
  readonly reopened?: boolean;
  readonly template?: string;
  readonly workaround?: string;
  readonly fixChangeId?: string;
  readonly noEventsAfterReject?: boolean;
}
interface Scenario {
  readonly name: string;
  readonly incidents: (IncidentStep | ActionStep)[];
  readonly expect: { readonly problems: ExpectedProblem[] };
}

const dir = projectPath('libs', 'core', 'scenarios', 'problems');

function run(scenario: Scenario): { book: ProblemBook; events: Problem[]; afterReject: Problem[] } {
  const book = new ProblemBook(new TemplateMiner());
  const events: Problem[] = [];
  const afterReject: Problem[] = [];
  let rejected = false;
  scenario.incidents.forEach((step, n) => {
    const at = Date.parse(step.at);
    if ('action' in step) {
      const target = book.problems()[0];
      assert.ok(target, `a problem to ${step.action}`);
      const [event] = book.act(
        aProblemCommand({
          action: step.action,
          problemId: target.id,
          at,
          workaround: step.workaround ?? null,
          fixChangeId: step.fixChangeId ?? null,
        }),
      );
      assert.ok(event, `${step.action} is allowed from ${target.status}`);
      events.push(event);
      rejected ||= step.action === 'reject';
      return;
    }
    const opened = anIncident({
      id: `inc-${n}`,
      title: step.title,
      summary: step.summary,
      service: step.services[0]!,
      services: step.services,
      severity: step.severity ?? 'high',
      openedAt: at,
      updatedAt: at,
      members: step.alerts.map((name, i) => ({
        type: 'alert' as const,
        ref: `fp-${n}-${i}`,
        service: step.services[0]!,
        name,
        at,
      })),
      suspects: suspectsOf(step),
      labels: step.labels ?? {},
    });
    const resolvedAt = at + step.minutes * 60_000;
    const resolved = {
      ...opened,
      version: 2,
      event: 'resolved' as const,
      status: 'resolved' as const,
      resolvedAt,
      updatedAt: resolvedAt,
    };
    for (const incident of [opened, resolved]) {
      const out = book.onIncident(incident);
      events.push(...out);
      if (rejected) afterReject.push(...out);
    }
  });
  return { book, events, afterReject };
}

function suspectsOf(step: IncidentStep): Suspect[] {
  const none = { changeId: null, service: null, kind: null, component: null, evidence: [] };
  return step.suspect
    ? [
        { ...step.suspect, probability: 0.8, evidence: [] },
        { ...none, probability: 0.2 },
      ]
    : [{ ...none, probability: 1 }];
}

describe('problem management scenarios', () => {
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const scenario = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Scenario;
    it(`${scenario.name} (${file})`, () => {
      const { book, afterReject } = run(scenario);
      const problems = book.problems().sort((a, b) => a.firstSeen - b.firstSeen);
      const shown = JSON.stringify(problems.map((p) => [p.status, p.count, p.template]));
      assert.equal(problems.length, scenario.expect.problems.length, shown);
      scenario.expect.problems.forEach((want, i) => {
        const got = problems[i]!;
        assert.equal(got.status, want.status, shown);
        assert.equal(got.count, want.count, shown);
        for (const f of want.factors ?? []) {
          assert.ok(
            got.sharedFactors.some((s) => `${s.factor}=${s.value}` === f),
            `${f} in ${JSON.stringify(got.sharedFactors)}`,
          );
        }
        if (want.periodMs !== undefined) assert.equal(got.periodMs, want.periodMs);
        if (want.minImpact !== undefined) assert.ok(got.impact >= want.minImpact, `impact ${got.impact}`);
        if (want.reopened !== undefined) assert.equal(got.reopened, want.reopened);
        if (want.template) assert.match(got.template, new RegExp(want.template));
        if (want.workaround) assert.equal(got.workaround, want.workaround);
        if (want.fixChangeId) assert.equal(got.fixChangeId, want.fixChangeId);
        if (want.noEventsAfterReject)
          assert.deepEqual(afterReject, [], 'no problem events after the rejection');
        assert.ok(got.mttrMs !== null && got.mttrMs > 0, 'MTTR from resolved members');
        assert.ok(
          !/\d{2,}/.test(got.template.replace(/ \(.*\)$/, '')) || want.template,
          `template masks numbers: ${got.template}`,
        );
      });
    });
  }
});
