// Structured JSON logs, one object per line on stdout: what log shippers expect. A field whose
// name says it holds a credential (token, password, authorization, …) is written as [redacted],
// at any depth, so a log line never leaks one.
import { isCredentialName, REDACTED } from './credentials.js';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export type LogSink = (line: string) => void;

const stdoutSink: LogSink = (line) => process.stdout.write(line + '\n');

export function createLogger(
  options: { level?: LogLevel; fields?: Record<string, unknown>; sink?: LogSink } = {},
): Logger {
  const min = ORDER[options.level ?? 'info'];
  const base = options.fields ?? {};
  const sink = options.sink ?? stdoutSink;
  const write = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...serialise(fields) }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => createLogger({ level: options.level, fields: { ...base, ...fields }, sink }),
  };
}

function serialise(fields?: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  return redact(fields, 0) as Record<string, unknown>;
}

function redact(value: unknown, depth: number): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (depth > 6 || typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = isCredentialName(k) && v !== undefined && v !== null ? REDACTED : redact(v, depth + 1);
  return out;
}

/** A logger that drops everything, for tests and benchmarks. */
export const silentLogger: Logger = createLogger({ level: 'error', sink: () => undefined });
