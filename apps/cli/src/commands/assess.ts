// `aftershock assess <change.json>`: the change-risk gate for pipelines that prefer a CLI.
// Reads a canonical Change (JSON; `-` = stdin), the standard-change policy and, optionally, a
// history of canonical events to assess against (and fit the model on), then prints the
// probability, class, decision, the rule that made it and the reasons.
//   exit 0 approved · 1 review · 2 blocked · 3 bad input (change, policy or history)
import { readFileSync } from 'node:fs';
import { projectPath } from '#config';
import { DecodeError, EventCodec, parseJson, type Change } from '#contracts';
import {
  assessDetailed,
  ChangeHistory,
  DEFAULT_RISK_MODEL,
  fitFromHistory,
  trackRecordFits,
  parseInstantText,
  parsePolicy,
  PolicyError,
  type DetailedAssessment,
  type Policy,
  type RiskModel,
} from '#core';
import { EventLinesError, parseEventLines } from '#ingestion';
import { defineCommand } from '../command.js';

export const ASSESS_EXIT = { approved: 0, review: 1, blocked: 2, badInput: 3 } as const;

export const DEFAULT_POLICY_FILE = ['deploy', 'policy', 'standard-changes.yaml'] as const;

/** Bad input: the message names the file, and the line and field where known. */
export class InputError extends Error {
  override name = 'InputError';
}

export const assessCommand = defineCommand({
  name: 'assess',
  summary:
    'assess a change’s risk and decide it by the standard-change policy (exit 0 approved, 1 review, 2 blocked, 3 bad input)',
  usage:
    'aftershock assess <change.json | -> [--policy FILE] [--history EVENTS.ndjson] [--now ISO|MS] [--json]\n' +
    '  --policy   standard-change policy, YAML or JSON (default deploy/policy/standard-changes.yaml)\n' +
    '  --history  canonical events, one JSON object a line: changes, verdicts, incidents, problems —\n' +
    '             wrapped as {"type":"change","event":{…}} (as `replay` reads and writes them), or bare;\n' +
    '             the model is fitted on it when it holds ≥ 20 failed changes, else default weights\n' +
    '  --now      the assessment time (default: the clock)\n' +
    '  --json     print {assessment, decision, model} as JSON\n' +
    '  exit codes: 0 approved, 1 review, 2 blocked, 3 bad input\n' +
    '  example: aftershock assess deploy/examples/change.json --history deploy/examples/history.ndjson',
  options: {
    policy: { type: 'string' },
    history: { type: 'string' },
    now: { type: 'string' },
    json: { type: 'boolean' },
  },
  maxPositionals: 1,
  // A gate must not answer "approved" to a command line it did not understand.
  usageExit: ASSESS_EXIT.badInput,
  async run(args) {
    const now = args.options.now ? (parseInstantText(args.options.now) ?? NaN) : Date.now();
    let result: { detailed: DetailedAssessment; model: RiskModel; policy: Policy };
    try {
      if (Number.isNaN(now))
        throw new InputError(`--now: "${args.options.now}" is not an ISO date-time or epoch milliseconds`);
      const file = args.positional[0];
      if (!file) throw new InputError('no change given: aftershock assess <change.json | ->');
      const codec = new EventCodec({ now: () => now });
      const change = readChange(file, codec);
      const policyFile = args.options.policy ?? projectPath(...DEFAULT_POLICY_FILE);
      const policy = parsePolicy(readText(policyFile), policyFile);
      const history = new ChangeHistory();
      let model = DEFAULT_RISK_MODEL;
      if (args.options.history) {
        // Records are checked against the clock, not --now: a back-dated assessment still reads
        // the whole file, and the history ignores what happened after the change.
        const clock = new EventCodec({ now: () => Math.max(now, Date.now()) });
        const events = parseEventLines(readText(args.options.history), clock, args.options.history);
        for (const event of events) history.add(event);
        // The fits a gate would have kept are the track record its trust in service levels is learnt from.
        model = fitFromHistory(history, policy, now, { earlier: trackRecordFits(history, policy, now) });
      }
      result = { detailed: assessDetailed(change, history, policy, now, { model }), model, policy };
    } catch (error) {
      if (!(error instanceof InputError || error instanceof EventLinesError || error instanceof PolicyError))
        throw error;
      process.stderr.write(`aftershock assess: ${error.message}\n`);
      return ASSESS_EXIT.badInput;
    }
    const { detailed, model, policy } = result;
    if (args.options.json) {
      process.stdout.write(
        JSON.stringify(
          {
            assessment: detailed.assessment,
            decision: detailed.outcome,
            policy: policy.source,
            model: model.fit ? { fitted: true, ...model.fit } : { fitted: false },
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      process.stdout.write(formatAssessment(detailed, model, policy));
    }
    return ASSESS_EXIT[detailed.assessment.decision];
  },
});

export function formatAssessment(detailed: DetailedAssessment, model: RiskModel, policy: Policy): string {
  const { assessment: a, outcome } = detailed;
  const pct = (p: number) => `${(p * 100).toFixed(1)}%`;
  const signed = (w: number) => `${w >= 0 ? '+' : '−'}${Math.abs(w).toFixed(2)}`;
  const width = Math.max(...a.reasons.map((r) => r.factor.length));
  const modelText = model.fit
    ? `model fitted on ${model.fit.examples} changes, ${model.fit.failures} failed`
    : 'default weights: no history to fit on';
  return [
    `change    ${a.changeId} — ${a.service} (${a.environment})${a.team ? `, team ${a.team}` : ''}`,
    `risk      ${pct(a.probability)} that it causes an incident — ${a.riskClass}  (${modelText})`,
    `decision  ${a.decision.toUpperCase()} by rule ${outcome.rule} (${outcome.origin === outcome.rule ? '' : `${outcome.origin} of `}${policy.source})`,
    ...(outcome.ruleDescription ? [`          ${outcome.ruleDescription}`] : []),
    `          because: ${outcome.reasons.join('; ')}`,
    'reasons   (log-odds: + raises the risk, − lowers it)',
    ...a.reasons
      .filter((r) => r.factor !== 'policy')
      .map((r) => `  ${signed(r.weight)}  ${r.factor.padEnd(width)}  ${r.detail}`),
    `exit ${ASSESS_EXIT[a.decision]} (0 approved, 1 review, 2 blocked, 3 bad input)`,
    '',
  ].join('\n');
}

function readChange(file: string, codec: EventCodec): Change {
  const text = file === '-' ? readFileSync(0, 'utf8') : readText(file);
  try {
    return codec.validate('change', parseJson(Buffer.from(text)));
  } catch (error) {
    if (error instanceof DecodeError) throw new InputError(`${file}: ${error.message}`);
    throw error;
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
}
