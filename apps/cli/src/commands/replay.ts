// `aftershock replay <file or dir>`: runs the correlator core over recorded canonical events
// (NDJSON, one `{"type": …, "event": {…}}` per line) and writes the verdicts and incident
// events it produces as NDJSON to stdout. Deterministic: the same input gives the same output,
// byte for byte — no wall clock, no randomness, event time only.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseCatalog } from '#catalog';
import { DecodeError, EventCodec } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type CorrelatorInput,
  type CorrelatorOutput,
} from '#core';
import type { Command } from '../command.js';
import { ProgressBar } from '../progress.js';

/** The `type` of an NDJSON line: the canonical event it carries. */
const REPLAY_TYPES = ['change', 'alert', 'telemetry', 'assessment', 'incident-command'] as const;

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run the correlator over recorded canonical events (NDJSON) and print verdicts and incidents',
  usage: 'aftershock replay <file.ndjson | directory> [--catalog services.yaml] [--strict]',
  async run(args) {
    const source = args.positional[0];
    if (!source) {
      process.stderr.write(`usage: ${this.usage}\n`);
      return 2;
    }
    const files = statSync(source).isDirectory()
      ? readdirSync(source)
          .filter((f) => f.endsWith('.ndjson'))
          .sort()
          .map((f) => join(source, f))
      : [source];
    const catalog = args.options.catalog
      ? parseCatalog(readFileSync(args.options.catalog, 'utf8'), args.options.catalog)
      : undefined;
    // Timestamps are checked against event time, not the wall clock: recordings may be old.
    let latest = 0;
    const codec = new EventCodec({ now: () => latest });
    const correlator = new Correlator(
      new DeploymentVerifier({}),
      new AnomalyDetector(),
      DEFAULT_CORRELATOR_SETTINGS,
      catalog?.edges ?? [],
    );
    const totalBytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
    const progress = new ProgressBar('events', totalBytes);
    const out = process.stdout;
    let events = 0;
    let bytes = 0;
    let refused = 0;
    let written = 0;
    const emit = (outputs: readonly CorrelatorOutput[]) => {
      for (const o of outputs) {
        if (o.type === 'anomaly') continue;
        out.write(
          JSON.stringify(
            o.type === 'verdict'
              ? { type: 'verdict', event: o.verdict }
              : { type: 'incident', event: o.incident },
          ) + '\n',
        );
        written++;
      }
    };
    for (const file of files) {
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      let lineNo = 0;
      for await (const line of lines) {
        lineNo++;
        bytes += Buffer.byteLength(line) + 1;
        if (!line.trim()) continue;
        try {
          const input = toInput(codec, line, (t) => (latest = Math.max(latest, t)));
          emit(correlator.process(input));
          events++;
        } catch (error) {
          if (!(error instanceof DecodeError) && !(error instanceof SyntaxError)) throw error;
          refused++;
          process.stderr.write(`\r${file}:${lineNo}: ${(error as Error).message}\x1b[K\n`);
          if (args.options.strict) return 1;
        }
        progress.update(events, bytes);
      }
    }
    emit(correlator.advanceTo(latest + 24 * 3_600_000));
    progress.finish(
      (s) =>
        `${events.toLocaleString('en')} events replayed in ${s.toFixed(1)} s → ${written} verdicts and incident events${refused ? `, ${refused} lines refused` : ''}`,
    );
    return refused > 0 ? 1 : 0;
  },
};

function toInput(codec: EventCodec, line: string, seen: (eventTime: number) => void): CorrelatorInput {
  const { type, event } = JSON.parse(line) as { type?: string; event?: unknown };
  // The codec checks timestamps against "now": in a replay, that is the newest event time seen.
  seen(eventTime(event));
  switch (type) {
    case 'change':
      return { type: 'change', change: codec.validate('change', event) };
    case 'alert':
      return { type: 'alert', alert: codec.validate('alert', event) };
    case 'telemetry':
      return { type: 'telemetry', batch: codec.validate('telemetry', event) };
    case 'assessment':
      return { type: 'assessment', assessment: codec.validate('assessment', event) };
    case 'incident-command':
      return { type: 'command', command: codec.validate('incident-command', event) };
    default:
      throw new DecodeError('replay.type', `"type" must be one of ${REPLAY_TYPES.join(', ')}`, 'type');
  }
}

function eventTime(event: unknown): number {
  const e = (event ?? {}) as Record<string, unknown>;
  const candidates = [
    e.startedAt,
    e.startsAt,
    e.endsAt,
    e.assessedAt,
    e.at,
    ...(Array.isArray(e.points) ? e.points.map((p: { timestamp?: unknown }) => p.timestamp) : []),
  ];
  return Math.max(0, ...candidates.filter((c): c is number => typeof c === 'number' && Number.isFinite(c)));
}
