// ServiceNow (Table API): a problem is a record of the problem table whose correlation_id is the
// problem's id, so it is found again after a restart. A known error is the same record with its
// known-error fields: known_error set, the workaround, and the state the target maps known
// errors to (Fix in Progress by default); a resolution sets the resolution code and the fix notes.
//   create  POST  /api/now/table/problem {short_description, description, correlation_id, state, …}
//   find    GET   /api/now/table/problem?sysparm_query=correlation_id=<id>&sysparm_fields=sys_id,state&sysparm_limit=1
//   update  PATCH /api/now/table/problem/{sys_id} {…the same fields}
import type { Problem, ProblemStatus } from '#contracts';
import { clip, fixLine, plainText, problemSections, statusNote } from './problem-text.js';
import type { ServiceNowTarget } from './sync-config.js';
import type { Call, RecordState, Tracker } from './tracker.js';

const KNOWN: ReadonlySet<ProblemStatus> = new Set(['known_error', 'resolved', 'verified']);

/**
 * The record's fields for a problem version. Fields the problem has no value for are left out,
 * never blanked (someone may have written them in ServiceNow); `note` adds a work note (once per
 * status change: a journal field appends).
 */
export function serviceNowFields(
  target: ServiceNowTarget,
  problem: Problem,
  options: { readonly publicUrl?: string; readonly note: boolean },
): Record<string, string> {
  const fields: Record<string, string> = {
    short_description: clip(problem.title, 160),
    description: plainText(problemSections(problem, options.publicUrl)),
    correlation_id: problem.id,
    correlation_display: 'Aftershock',
    known_error: KNOWN.has(problem.status) ? 'true' : 'false',
  };
  const state = target.states[problem.status];
  if (state) fields.state = state;
  const resolution = target.resolutionCodes[problem.status];
  if (resolution) fields.resolution_code = resolution;
  if (problem.workaround) fields.workaround = problem.workaround;
  if (problem.fixChangeId) fields.fix_notes = fixLine(problem);
  if (options.note) fields.work_notes = statusNote(problem);
  return fields;
}

/** An encoded query's value may not hold `^` (the condition separator). */
export function serviceNowFindPath(target: ServiceNowTarget, problem: Problem): string {
  const query = new URLSearchParams({
    sysparm_query: `correlation_id=${problem.id.replaceAll('^', '')}`,
    sysparm_fields: 'sys_id,number,state',
    sysparm_limit: '1',
  });
  return `/api/now/table/${target.table}?${query}`;
}

export class ServiceNowTracker implements Tracker {
  constructor(
    private readonly target: ServiceNowTarget,
    private readonly call: Call,
    private readonly publicUrl?: string,
  ) {}

  async find(problem: Problem): Promise<string | null> {
    const found = (await this.call({
      method: 'GET',
      url: this.url(serviceNowFindPath(this.target, problem)),
    })) as {
      result?: { sys_id?: string }[];
    } | null;
    return found?.result?.[0]?.sys_id ?? null;
  }

  async create(problem: Problem): Promise<string> {
    const body = serviceNowFields(this.target, problem, { publicUrl: this.publicUrl, note: false });
    const created = (await this.call(
      { method: 'POST', url: this.url(`/api/now/table/${this.target.table}`), body },
      1,
    )) as {
      result?: { sys_id?: string };
    } | null;
    if (!created?.result?.sys_id) throw new Error('ServiceNow answered the record create without a sys_id');
    return created.result.sys_id;
  }

  async update(key: string, problem: Problem, { previous, created }: RecordState): Promise<void> {
    if (created) return;
    const note = previous !== null && previous !== problem.status;
    await this.call({
      method: 'PATCH',
      url: this.url(`/api/now/table/${this.target.table}/${encodeURIComponent(key)}`),
      body: serviceNowFields(this.target, problem, { publicUrl: this.publicUrl, note }),
    });
  }

  private url(path: string): string {
    return `${this.target.url}${path}`;
  }
}
