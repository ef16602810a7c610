// `aftershock replay <file or dir>`: runs the correlator core over recorded canonical events
// (NDJSON, one `{"type": …, "event": {…}}` per line, see ../envelope.ts) and writes the verdicts and incident
// events it produces as NDJSON to stdout. Deterministic: the same input gives the same output,
// byte for byte — no wall clock, no randomness, event time only.
import { createReadStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { CatalogError, parseCatalog, type Catalog } from '#catalog';
import { DecodeError, EventCodec } from '#contracts';
import {
  AnomalyDetector,
  Correlator,
  DEFAULT_CORRELATOR_SETTINGS,
  DeploymentVerifier,
  type CorrelatorInput,
  type CorrelatorOutput,
} from '#core';
import { defineCommand } from '../command.js';
import { parseEnvelope } from '#ingestion';
import { ProgressBar } from '../progress.js';

/** The `type` of an NDJSON line: the canonical event it carries. */
const REPLAY_TYPES = ['change', 'alert', 'telemetry', 'assessment', 'incident-command'] as const;

const USAGE = 'aftershock replay <file.ndjson | directory> [--catalog services.yaml] [--strict]';

export const replayCommand = defineCommand({
  name: 'replay',
  summary: 'run the correlator over recorded canonical events (NDJSON) and print verdicts and incidents',
  usage: USAGE,
  options: { catalog: { type: 'string' }, strict: { type: 'boolean' } },
  maxPositionals: 1,
  async run(args) {
    const source = args.positional[0];
    if (!source) {
      process.stderr.write(`aftershock replay: no input given (usage: ${USAGE})\n`);
      return 2;
    }
    let files: string[];
    let catalog: Catalog | undefined;
    try {
      files = inputFiles(source);
      const catalogFile = args.options.catalog;
      catalog = catalogFile ? parseCatalog(readFileSync(catalogFile, 'utf8'), catalogFile) : undefined;
    } catch (error) {
      process.stderr.write(`aftershock replay: ${readProblem(error)}\n`);
      return 1;
    }
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
        if (o.type === 'refused') {
          progress.clear();
          process.stderr.write(`incident command ${o.command.id} not applied: ${o.reason}\n`);
          continue;
        }
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
          if (!(error instanceof DecodeError)) throw error;
          refused++;
          progress.clear();
          process.stderr.write(`${file}:${lineNo}: ${(error as Error).message}\n`);
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
});

/** The file, or the directory's .ndjson files in name order. */
function inputFiles(source: string): string[] {
  if (!statSync(source).isDirectory()) return [source];
  return readdirSync(source)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()
    .map((f) => join(source, f));
}

/** One line for a file that cannot be read (`nosuch.ndjson: no such file or directory`) or a bad catalog. */
function readProblem(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code && e.path) {
    const reason = { ENOENT: 'no such file or directory', EACCES: 'permission denied' }[e.code];
    return `${e.path}: ${reason ?? e.message}`;
  }
  if (error instanceof CatalogError) return error.message;
  throw error;
}

function toInput(codec: EventCodec, line: string, seen: (eventTime: number) => void): CorrelatorInput {
  const { type, event } = parseEnvelope(line);
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
