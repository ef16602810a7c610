// Value shapes: when two different constant tokens at one position of otherwise matching messages
// are two values of one variable by their shape alone, so the position is a variable on first
// sight. Masking (masking.ts) already replaced what is a value wherever it appears (numbers,
// addresses, ids); the shapes here are ambiguous on their own — a quoted word, a file name, a
// `key=value` pair may be a constant of one message — and only become variables when they vary.
// Each shape names what motivated it (a loghub-2k development system, or a failure class of
// issue 18 seen on logs we do not have).
import { WILDCARD } from './masking.js';

/**
 * Whether `a` and `b` (different, neither a bare `<*>`) are values of one variable by shape:
 *   - complete quoted tokens with the same quotes: `"alt0"` / `"ee0"` (HPC), `'x'` / `'y'`;
 *   - `key=value` with the same key: `user=root` / `user=guest`, `tag="View Lock"` /
 *     `tag="NetworkStats"` (issue 18: a user field that stayed three templates);
 *   - file names with the same extension: `chrome.exe` / `Dropbox.exe` (issue 18: a program
 *     name as the first token of proxy access logs);
 *   - e-mail addresses; URLs with the same scheme (general);
 *   - structured ids of one skeleton that already hold a `<*>` and differ only in atoms with a
 *     digit: `<*>~<*>~amd64~~<*>` / `<*>~<*>~x86~~<*>` (issue 18 class: composite ids).
 */
export function sameValueShape(a: string, b: string): boolean {
  // Punctuation both share around the values (brackets, quotes, separators) is not the value.
  const max = Math.min(a.length, b.length);
  let s = 0;
  while (s < max && a.charCodeAt(s) === b.charCodeAt(s) && !isWordChar(a.charCodeAt(s))) s++;
  let e = 0;
  while (
    e < max - s &&
    a.charCodeAt(a.length - 1 - e) === b.charCodeAt(b.length - 1 - e) &&
    !isWordChar(a.charCodeAt(a.length - 1 - e))
  )
    e++;
  const x = a.slice(s, a.length - e);
  const y = b.slice(s, b.length - e);
  if (x.length === 0 || y.length === 0) return false;
  if (s > 0 && e > 0 && isQuote(a.charCodeAt(s - 1)) && a.charCodeAt(s - 1) === a.charCodeAt(a.length - e))
    return true;
  if (sameKey(x, y)) return true;
  const ext = extensionOf(x);
  if (ext !== undefined && ext.toLowerCase() === extensionOf(y)?.toLowerCase()) return true;
  if (EMAIL.test(x) && EMAIL.test(y)) return true;
  const scheme = x.indexOf('://');
  if (scheme > 0 && y.indexOf('://') === scheme && x.startsWith(y.slice(0, scheme))) return true;
  if (numberedTails(x, y)) return true;
  return a.includes(WILDCARD) && b.includes(WILDCARD) && sameSkeleton(a, b);
}

/**
 * `key=value` or `key:value` with one key: `user=root` / `user=guest` (issue 18: a user field),
 * `action:android.intent.action.SCREEN_ON` / `action:…SCREEN_OFF` (issue 18 class: structured
 * fields). A `:` key must be a name (`type:`, `action:`), so times and addresses do not count.
 */
function sameKey(x: string, y: string): boolean {
  let i = 0;
  while (i < x.length && i < y.length && x.charCodeAt(i) === y.charCodeAt(i)) {
    const c = x.charCodeAt(i);
    if (c === 61) return i > 0;
    if (c === 58) return i > 0 && KEY.test(x.slice(0, i));
    i++;
  }
  return false;
}

const KEY = /^[A-Za-z][\w.-]*$/;

/**
 * One name with numbered tails: `Thunderbird_A8` / `Thunderbird_B4`, `rack-C3` / `rack-D1` —
 * a shared prefix ending at `_` or `-`, then an alphanumeric tail with a digit on both sides
 * (issue 18 class: a data-source name that split one event; `alt0` / `ee0`, no shared prefix,
 * stay apart: HPC).
 */
function numberedTails(x: string, y: string): boolean {
  let p = 0;
  while (p < x.length && p < y.length && x.charCodeAt(p) === y.charCodeAt(p)) p++;
  while (p > 0 && x.charCodeAt(p - 1) !== 95 && x.charCodeAt(p - 1) !== 45) p--;
  if (p < 2) return false;
  const a = x.slice(p);
  const b = y.slice(p);
  return ALNUM.test(a) && ALNUM.test(b) && hasDigit(a) && hasDigit(b);
}

const ALNUM = /^[A-Za-z0-9]+$/;

const EMAIL = /^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$/;
const FILE_NAME = /^[\w-]+(?:\.[\w-]+)*\.([A-Za-z][A-Za-z0-9]{0,3})$/;

function extensionOf(token: string): string | undefined {
  if (!token.includes('.')) return undefined;
  return FILE_NAME.exec(token)?.[1];
}

/** Same punctuation between the same number of atoms, and every atom that differs holds a digit. */
function sameSkeleton(x: string, y: string): boolean {
  const ax = atoms(x);
  const ay = atoms(y);
  if (ax.length !== ay.length) return false;
  for (let k = 0; k < ax.length; k++) {
    const [p, q] = [ax[k]!, ay[k]!];
    if (p === q) continue;
    if (!isWordChar(p.charCodeAt(0)) || !isWordChar(q.charCodeAt(0))) return false; // punctuation differs
    if (!hasDigit(p) && !hasDigit(q)) return false;
  }
  return true;
}

/** Runs of word characters, `<*>`s and single punctuation characters, in order. */
function atoms(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    if (s.startsWith(WILDCARD, i)) {
      out.push(WILDCARD);
      i += WILDCARD.length;
      continue;
    }
    const start = i;
    if (isWordChar(s.charCodeAt(i))) while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
    else i++;
    out.push(s.slice(start, i));
  }
  return out;
}

function hasDigit(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function isQuote(c: number): boolean {
  return c === 34 || c === 39;
}

export function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c > 127;
}

/**
 * A value-like word for the name rule of variant groups: a lowercase name, or a token that already
 * holds a masked value (`Package_for_KB<*>~<*>~amd64~~<*>`: a structured id of another shape).
 */
export function isNameLike(token: string): boolean {
  return isLowercaseName(token) || token.includes(WILDCARD);
}

/**
 * A name of lowercase letters, possibly joined by `.`, `-` or `_`, with a trailing `,` `;` `:` `.`
 * aside: `root`, `cyrus`, `rpc.statd`, `git-daemon`. No digits: `alt0`, `ee0` are device names of
 * an enumeration (HPC).
 */
function isLowercaseName(token: string): boolean {
  let n = token.length;
  while (n > 0 && isClausePunctuation(token.charCodeAt(n - 1))) n--;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i);
    if (c >= 97 && c <= 122) continue;
    if ((c === 46 || c === 45 || c === 95) && i > 0 && i < n - 1) continue;
    return false;
  }
  return true;
}

// , ; : .
function isClausePunctuation(c: number): boolean {
  return c === 44 || c === 59 || c === 58 || c === 46;
}
