// Configuration files as data (YAML or JSON), checked against a TypeBox schema at load: every
// problem names its field (`targets.0.auth.tokenEnv`), and secrets stay out of the file — a
// field names the environment variable that holds them.
import type { Static, TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';

/** A configuration file's problem, naming the field at fault (dotted path). */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    reason: string,
  ) {
    super(`${field}: ${reason}`);
    this.name = 'FieldError';
  }
}

/** Parses YAML or JSON text and checks it against `schema`; throws FieldError naming the field. */
export function parseDataFile<S extends TSchema>(text: string, schema: S): Static<S> {
  let data: unknown;
  try {
    data = parse(text);
  } catch (error) {
    throw new FieldError('(file)', `not YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  return checkData(schema, data);
}

/** Checks parsed data (or a part of it, at the dotted path `at`) against `schema`. */
export function checkData<S extends TSchema>(schema: S, data: unknown, at = ''): Static<S> {
  const problem = Value.Errors(schema, data).First();
  if (problem) {
    const path = [at, problem.path.slice(1).replaceAll('/', '.')].filter(Boolean).join('.');
    throw new FieldError(path || '(top level)', problem.message);
  }
  return data as Static<S>;
}

/**
 * A secret given either inline (`field`) or through an environment variable (`fieldEnv`):
 * exactly one of them, and the variable set. `at` is the path of the object holding them.
 */
export function resolveSecret(
  at: string,
  field: string,
  value: string | undefined,
  envName: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  what = field,
): string {
  if (value && envName) throw new FieldError(`${at}.${field}`, `give ${field} or ${field}Env, not both`);
  const resolved = value ?? (envName ? env[envName]?.trim() : undefined);
  if (!resolved)
    throw new FieldError(
      `${at}.${field}${envName ? 'Env' : ''}`,
      envName ? `${envName} is not set` : `the ${what} is required`,
    );
  return resolved;
}
