// A complete canonical Change from the few fields a scenario, replay or evaluation knows; every
// other field takes the value a producer that says nothing about it would get.
import type { Change } from '#contracts';

export type ChangeEssentials = Pick<Change, 'id' | 'source' | 'service' | 'startedAt'> & Partial<Change>;

export function completeChange(fields: ChangeEssentials): Change {
  return {
    kind: 'deployment',
    environment: 'production',
    version: null,
    previousVersion: null,
    finishedAt: null,
    scope: 'service',
    scopeName: null,
    automated: true,
    initiator: null,
    pipeline: null,
    rollout: 'all_at_once',
    sizeLines: null,
    component: null,
    configKeys: [],
    rollbackOf: null,
    links: [],
    labels: {},
    commitAt: null,
    team: null,
    content: null,
    ...fields,
  };
}
