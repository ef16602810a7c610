// Rules for text from outside that Aftershock shows people, writes into logs and uses as keys.
// Names (services, environments, ids) may not carry characters that forge a log line (line
// breaks, NUL), hide or reorder what a person reads (bidirectional overrides such as U+202E), or
// break an encoder (lone UTF-16 surrogates). Links are followed by people, so only http(s).

// C0 and C1 controls, DEL, the Arabic letter mark, left-to-right/right-to-left marks, the line
// and paragraph separators, the bidirectional embeddings, overrides and isolates, and the BOM.
const FORBIDDEN_IN_NAMES =
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `text` cannot be a name (service, environment, id), or undefined when it can. */
export function nameTextProblem(text: string): string | undefined {
  // Fast path: printable ASCII, which nearly every name is (this runs for every telemetry point).
  if (PRINTABLE_ASCII.test(text)) return undefined;
  if (!text.isWellFormed()) return 'contains a lone UTF-16 surrogate (not valid Unicode text)';
  const found = FORBIDDEN_IN_NAMES.exec(text);
  if (found) {
    return `contains ${codePoint(found[0])} at position ${found.index}; names may not contain control characters, line breaks or bidirectional formatting characters`;
  }
  return undefined;
}

/** Whether `text` is an absolute http: or https: URL with a host (no whitespace). */
export function isHttpUrl(text: string): boolean {
  // One quantifier after a fixed prefix: linear time on any input (no backtracking blow-up).
  return /^https?:\/\/[^\s/?#]\S*$/i.test(text);
}

/**
 * A key that a plain JavaScript object cannot hold as data: assigning `__proto__` changes the
 * object's prototype instead of adding an entry, so a label of that name would vanish silently.
 */
export function isReservedKey(key: string): boolean {
  return key === '__proto__';
}

export const RESERVED_KEY_REASON =
  'the key "__proto__" cannot be kept (it is reserved in JavaScript objects); rename it';
