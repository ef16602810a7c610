// The bodies of the problem actions: each action's own, so the document says what each needs.
import { Type } from '@sinclair/typebox';
import type { ProblemAction } from '#contracts';
import { MAX_IDENTIFIER, text } from '../http/text.js';
import { actionDoc, type RouteDoc } from '../openapi/documented.js';

const comment = Type.Optional(text('a note recorded with the action'));

export const PROBLEM_BODIES = {
  ProblemNoteBody: Type.Object({ comment }),
  ProblemKnownErrorBody: Type.Object({
    workaround: text('required to record a known error'),
    comment,
  }),
  ProblemResolveBody: Type.Object({
    fixChangeId: text('required to resolve a problem (the change that fixed it)', MAX_IDENTIFIER),
    comment,
  }),
  ProblemLinkBody: Type.Object({
    incidentId: text('required to link an incident to the problem or unlink it (its id)', MAX_IDENTIFIER),
    comment,
  }),
};

export const PROBLEM_ACTION_BODY = {
  confirm: 'ProblemNoteBody',
  reject: 'ProblemNoteBody',
  known_error: 'ProblemKnownErrorBody',
  resolve: 'ProblemResolveBody',
  link: 'ProblemLinkBody',
  unlink: 'ProblemLinkBody',
} as const satisfies Record<ProblemAction, keyof typeof PROBLEM_BODIES>;

const ACTION_NOTE =
  'Publishes a ProblemCommand on aftershock.problem-commands.v1 keyed by the problem id and answers 202 once it is on the bus; the problems app applies it and emits the next problem version. An action the lifecycle does not allow from the problem’s recorded status answers 409 with the reason. ';

const LINK_NOTE =
  'Linking or unlinking by hand binds the clustering: a linked incident stays in the problem (moved out of the one the clustering put it in, which gets a new version too), an unlinked one is never put back into it. An unknown incident answers 404; linking a member, unlinking an incident that is not one, unlinking the last member, or either on a rejected problem answers 409. ';

/** What an action route documents. */
export const problemActionDoc = (summary: string, action: ProblemAction): RouteDoc =>
  actionDoc(
    summary,
    PROBLEM_ACTION_BODY[action],
    'ProblemCommandAccepted',
    action === 'link' || action === 'unlink' ? ACTION_NOTE + LINK_NOTE : ACTION_NOTE,
  );
