// Variable masking for the template miner: one generic configuration for every source, no
// per-system tuning. Masking only replaces what is a value by its *shape*; words that vary but
// look like words (user names, host names without a TLD, program names) are left to the miner,
// which decides from how a position varies across similar messages (template-miner.ts).
//
// Each rule names the development system (loghub-2k) or failure class (issue 18, logs we do not
// have) that motivated it; "general" marks a rule from common log formats that no data set here
// exercises.
//
// A message is split on whitespace into tokens and each token is masked on its own, except for
// variables that span tokens, which become a single `<*>`:
//   - ctime/syslog timestamps `Fri Jul 01 08:16:53 PDT 2005` (BGL), an ISO date then a time
//     (general), a number then a size unit `5.2 KB` (Spark), runs of 8+ masked values (HPC node
//     lists);
//   - a quoted value of `key="two words"` (issue 18: `tag="View Lock"` style fields) is one
//     token; any other quoted text is *not* masked whole: its words are masked one by one like
//     the rest, so `"GET /x HTTP/1.1"` keeps its method (issue 18: request lines in quotes).
//
// Inside a token, whole shapes come first: a quoted token `"x"` is masked inside its quotes
// (also `\042`-escaped: HPC); URLs whose address holds a digit (`hdfs://<*>`: Hadoop, Spark);
// absolute, `./` (BGL), `../`, `~/` (general) and Windows paths (Hadoop); `/IPv4[:port]` (HDFS);
// IPv6 (general); times and dates; MAC addresses (BGL) and UUIDs (Spark). The rest is cut into
// atoms at punctuation, which stays in the template (`10.251.73.220:50010` → `<*>:<*>`), and
// each atom is masked when it is
//   - anything starting with a digit or a signed digit: integers, decimals, versions, IPv4, hex,
//     numbers with a unit (15ms, 2.5s, 64KB, 41C) — every system; a numeric range `104-127` →
//     `<*>-<*>` (HPC)
//   - true / false / null, any case (Hadoop), or 8+ hex characters (BGL, Zookeeper)
//   - an id whose `_`-separated parts include a number or a variable word (blk_-42: HDFS;
//     rdd_2_0: Spark; attempt_1445_0020_m_000002_1: Hadoop)
//   - `name-<digits…>`: a word then dash-separated parts that start with digits (node-96 →
//     node-<*>: HPC; MININT-X5.corp.example.com → MININT-<*>: Hadoop; jetty-6.1.26: Hadoop)
//   - a host name: 2+ labels ending in a common top-level domain (`api.example.com`; issue 18:
//     proxy access logs), or 3+ labels with a lowercase TLD-like last label and a digit or dash
//     somewhere (`ec2-52-80-34-196.compute.amazonaws.com`: OpenSSH)
//   - a dashed name of 3+ labels with a digit (msra-sa-41: Hadoop; R10-M1-N2: BGL)
//   - a word with 2+ digits (storage234: BGL, HDFS, Zookeeper); dotted names are masked label by
//     label (core.2275 → core.<*>: BGL)
// A token that is a comma-joined list of values of one shape (`<*>,<*>,<*>`, `[<*>:<*>,<*>:<*>]`)
// becomes one value of that shape, so lists of any length are one template (issue 18:
// comma-joined address lists).
// Kept: words with a single digit (ssh2: OpenSSH; alt0: HPC; L3, v2), well-known names with
// digits (sha256, utf8, int64, x86, p99, …: general), and the key of `key=value` (r24=: BGL)
// unless it is a number; the value goes through the same rules.
//
// Bounds: a template holds at most MAX_TEMPLATE_TOKENS tokens (the rest of a longer message is
// one `<*>`) and a token longer than MAX_TOKEN_CHARS characters is one `<*>` (a blob: base64,
// JSON on one line), so a template is at most about 33k characters whatever the input.

export const WILDCARD = '<*>';

const SIZE_UNITS = new Set([
  'B',
  'KB',
  'MB',
  'GB',
  'TB',
  'PB',
  'kB',
  'KiB',
  'MiB',
  'GiB',
  'TiB',
  'PiB',
  'Kb',
  'Mb',
  'Gb',
]);

const WEEKDAYS = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

const TIME = /^\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const DATE =
  /^\d{4}[-/]\d{1,2}[-/]\d{1,2}(?:[T_ ]\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const TZ = /^[A-Z]{2,5}$|^[+-]\d{4}$/;
const YEAR = /^\d{4}$/;
const DAY = /^\d{1,2},?$/;
const MAC = /(?<![0-9A-Fa-f:-])(?:[0-9A-Fa-f]{2}[:-]){5,}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:-])/g;
const UUID = /[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/g;
const IPV6 = /^\[?(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}\]?$/;
const WINDOWS_PATH = /^[A-Za-z]:\\/;
const HEX = /^[0-9A-Fa-f]{8,}$/;
const NUMERIC_RANGE = /^\d+(?:-\d+)+$/;

const TLD = /^[a-z]{2,12}$/;
// Top-level domains common enough in logs that `name.example.<tld>` is a host name by its shape
// alone (issue 18: proxy access logs with host names like `api.example.com`).
const COMMON_TLDS = new Set(
  (
    'com net org edu gov mil int info biz io co me us uk de fr nl eu ch at be se no dk fi es it pt ' +
    'pl cz ru ua cn hk tw jp kr sg in au nz ca br mx ar za local localdomain lan internal corp arpa'
  ).split(' '),
);
const BRACKETED_IPV6 = /^\[[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\](?::\d+)?$/;
const BOOL_OR_NULL = /true|false|null/i;
// Well-known names that hold digits but are not values: hashes, encodings, types, architectures,
// protocols, percentiles.
const KNOWN_WORDS =
  /^(?:sha\d+|md5|crc32|base\d+|utf\d+|u?int\d+|float\d+|x86|x64|amd64|arm64|aarch64|i386|win32|win64|ipv[46]|http[23]|tls1\d|k8s|s3|ec2|oauth2|p\d{2,3})$/i;

/** Templates hold at most this many tokens; the rest of a longer message is one `<*>`. */
export const MAX_TEMPLATE_TOKENS = 128;
/** A token longer than this many characters is one `<*>`. */
export const MAX_TOKEN_CHARS = 256;

/**
 * Splits a message on whitespace. This is the tokenise-only pass the benchmark compares against.
 * With a `limit`, stops after `limit + 1` tokens (enough to know the message is longer).
 */
export function tokenize(text: string, limit = Number.POSITIVE_INFINITY): string[] {
  const tokens: string[] = [];
  const n = text.length;
  let start = -1;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) {
      if (start >= 0) {
        tokens.push(text.slice(start, i));
        start = -1;
        if (tokens.length > limit) return tokens;
      }
    } else if (start < 0) start = i;
  }
  if (start >= 0) tokens.push(text.slice(start));
  return tokens;
}

/** Tokenises and masks a message: the tokens a template is built from. */
export function maskMessage(text: string): string[] {
  // Tokens past the template bound are one `<*>`; the slack covers tokens that masking joins.
  const raw = tokenize(text, 2 * MAX_TEMPLATE_TOKENS);
  const out: string[] = [];
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    let token = raw[i]!;
    const first = token.charCodeAt(0);
    // `Fri Jul 01 08:16:53 PDT 2005`, also inside brackets: `[Sun Dec 04 04:47:44 2005]`.
    const bracket = first === 91 || first === 40 ? 1 : 0;
    const c = token.charCodeAt(bracket);
    if (
      c >= 65 &&
      c <= 90 &&
      (token.length === 3 + bracket || (token.length === 4 + bracket && token.endsWith(',')))
    ) {
      const end = timestampEnd(raw, i, bracket);
      if (end > i) {
        const last = raw[end]!;
        out.push(token.slice(0, bracket) + WILDCARD + last.slice(stripTrail(last).length));
        i = end;
        continue;
      }
    }
    if (isPlainWord(token)) {
      out.push(token);
      continue;
    }
    // `key="two words"`: the quoted value is one token.
    const open = first === 34 ? -1 : token.indexOf('="');
    if (open > 0 && token.indexOf('"', open + 2) < 0) {
      const end = findQuoteEnd(raw, i + 1);
      if (end > 0) {
        token = raw.slice(i, end + 1).join(' ');
        i = end;
      }
    }
    let masked = token.length > MAX_TOKEN_CHARS ? WILDCARD : maskSlow(token);
    if (i + 1 < n && masked.startsWith(WILDCARD)) {
      // `2015-10-18 18:01:47,978` → one timestamp; `5.2 KB,` → one size (keeping the comma).
      const next = raw[i + 1]!;
      if (
        masked === WILDCARD &&
        token.length >= 8 &&
        token.charCodeAt(4) === 45 &&
        DATE.test(token) &&
        TIME.test(stripTrail(next))
      ) {
        out.push(WILDCARD + next.slice(stripTrail(next).length));
        i++;
        continue;
      }
      if (isDigitAt(token, 0) && mayBeUnit(next.charCodeAt(0)) && !token.includes(':')) {
        const unit = stripTrail(next);
        if (SIZE_UNITS.has(unit) && masked === WILDCARD + token.slice(stripTrail(token).length)) {
          masked = WILDCARD + next.slice(unit.length);
          i++;
        }
      }
    }
    out.push(masked.includes(',') ? collapseList(masked) : masked);
  }
  const lists = collapseLists(out);
  if (lists.length <= MAX_TEMPLATE_TOKENS) return lists;
  lists.length = MAX_TEMPLATE_TOKENS;
  lists[MAX_TEMPLATE_TOKENS - 1] = WILDCARD;
  return lists;
}

/**
 * A comma-joined list of values of one shape is one value of that shape: `<*>,<*>,<*>` → `<*>`,
 * `[<*>:<*>,<*>:<*>]` → `[<*>:<*>]`. Elements must hold a `<*>` and be equal once masked.
 */
function collapseList(token: string): string {
  const parts = token.split(',');
  // A trailing comma ends a clause (`<*>,`): it does not make a list.
  const clause = parts[parts.length - 1] === '';
  if (clause) parts.pop();
  if (parts.length < 2) return token;
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  let lead = 0;
  while (lead < first.length && isListBracket(first.charCodeAt(lead))) lead++;
  let trail = last.length;
  while (trail > 0 && isListBracket(last.charCodeAt(trail - 1))) trail--;
  const element = first.slice(lead);
  if (!element.includes(WILDCARD) || last.slice(0, trail) !== element) return token;
  for (let k = 1; k < parts.length - 1; k++) if (parts[k] !== element) return token;
  return first.slice(0, lead) + element + last.slice(trail) + (clause ? ',' : '');
}

// ( ) [ ] { } ' " around a list; not `<` `>`, which belong to `<*>`.
function isListBracket(c: number): boolean {
  return c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125 || c === 39 || c === 34;
}

/** A run of 8 or more `<*>` tokens is a list of values (ids, hosts): one variable. */
const LIST_RUN = 8;

function collapseLists(tokens: string[]): string[] {
  let run = 0;
  let found = false;
  for (const t of tokens) {
    run = t === WILDCARD ? run + 1 : 0;
    if (run >= LIST_RUN) {
      found = true;
      break;
    }
  }
  if (!found) return tokens;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let j = i;
    while (j < tokens.length && tokens[j] === WILDCARD) j++;
    if (j - i >= LIST_RUN) {
      out.push(WILDCARD);
      i = j - 1;
    } else out.push(tokens[i]!);
  }
  return out;
}

// K M G T P B k: the first letter of a size unit.
function mayBeUnit(c: number): boolean {
  return c === 75 || c === 77 || c === 71 || c === 84 || c === 80 || c === 66 || c === 107;
}

function findQuoteEnd(raw: readonly string[], from: number): number {
  const limit = Math.min(raw.length, from + 32);
  for (let j = from; j < limit; j++) {
    const t = raw[j]!;
    const q = t.indexOf('"');
    if (q >= 0) return /^[)\]},;:.!?]*$/.test(t.slice(q + 1)) ? j : -1;
  }
  return -1;
}

/**
 * `Fri Jul 01 08:16:53 PDT 2005`, `Jul  1 08:16:53`, `Jul 1, 2005 08:16:53`: returns the index of
 * the last token, or -1. `skip` leading characters of the first token are an opening bracket.
 */
function timestampEnd(raw: readonly string[], i: number, skip: number): number {
  let j = i;
  const at = (k: number) => (k === i ? raw[k]!.slice(skip) : raw[k]);
  if (WEEKDAYS.has(at(j)!.replace(/,$/, ''))) j++;
  const month = at(j);
  if (month === undefined || !MONTHS.has(month)) return -1;
  j++;
  if (raw[j] === undefined || !DAY.test(raw[j]!)) return -1;
  j++;
  if (raw[j] !== undefined && YEAR.test(raw[j]!)) j++;
  if (raw[j] === undefined || !TIME.test(stripTrail(raw[j]!))) return -1;
  let end = j;
  if (stripTrail(raw[end]!) !== raw[end]) return end; // `08:16:53]` closes the timestamp
  if (raw[end + 1] !== undefined && TZ.test(stripTrail(raw[end + 1]!))) end++;
  if (stripTrail(raw[end]!) !== raw[end]) return end;
  if (raw[end + 1] !== undefined && YEAR.test(stripTrail(raw[end + 1]!))) end++;
  return end;
}

function stripTrail(token: string): string {
  let end = token.length;
  while (end > 0 && isTrailing(token.charCodeAt(end - 1))) end--;
  return token.slice(0, end);
}

// ) ] } > , ; : . ! ? ' "
function isTrailing(c: number): boolean {
  return (
    c === 41 ||
    c === 93 ||
    c === 125 ||
    c === 62 ||
    c === 44 ||
    c === 59 ||
    c === 58 ||
    c === 46 ||
    c === 33 ||
    c === 63 ||
    c === 39 ||
    c === 34
  );
}

/** Masks the variables of one whitespace-free token. */
export function maskToken(token: string): string {
  if (isPlainWord(token)) return token;
  return maskSlow(token);
}

// Fast path: no digit, no slash, no quote or backslash, no dot inside (a host name), and no
// true/false/null: nothing to mask.
function isPlainWord(token: string): boolean {
  const n = token.length;
  if (n > MAX_TOKEN_CHARS) return false;
  let dotted = false;
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 47 || c === 34 || c === 92) return false;
    if (c === 46 && i + 1 < n && isLetter(token.charCodeAt(i + 1))) dotted = true;
  }
  if (dotted && endsInCommonTld(token)) return false;
  if (n >= 8 && isHexWord(token)) return false;
  return !BOOL_OR_NULL.test(token);
}

/** `api.example.com`, `example.org:` — a dotted word whose last label is a common TLD. */
function endsInCommonTld(token: string): boolean {
  let end = token.length;
  while (end > 0 && !isLetter(token.charCodeAt(end - 1))) end--;
  const dot = token.lastIndexOf('.', end - 1);
  return dot > 0 && end - dot >= 3 && end - dot <= 13 && COMMON_TLDS.has(token.slice(dot + 1, end));
}

function isHexWord(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i) | 32;
    if (!((c >= 97 && c <= 102) || (c >= 48 && c <= 57))) return false;
  }
  return true;
}

function maskSlow(token: string): string {
  // An octal-escaped quote (`\042`, as some syslog daemons write it) is a quote.
  if (token.includes('\\042')) token = token.replaceAll('\\042', '"');
  // A double-quoted value is masked inside its quotes, word by word (`tag="View Lock"` is one
  // token here): what varies in it becomes `<*>`, the quotes and constant words stay.
  const q = token.indexOf('"');
  if (q >= 0) {
    const close = token.lastIndexOf('"');
    if (close > q + 1) {
      const inner = token
        .slice(q + 1, close)
        .split(' ')
        .map(maskRest)
        .join(' ');
      return maskRest(token.slice(0, q)) + '"' + inner + '"' + maskRest(token.slice(close + 1));
    }
  }
  // URL: scheme://rest — the rest is a variable when it holds a digit (hosts, ports, ids).
  const url = urlScheme(token);
  if (url) {
    const start = url.index + url[0].length;
    const end = closingEnd(token, start);
    const body = token.slice(start, end);
    if (!/\d/.test(body)) return token;
    // scheme://host:port is masked like any host:port; with a path or user info, the whole address.
    const masked = /^[\w.-]+(?::\d+)?$/.test(body) ? maskAtoms(body) : WILDCARD;
    return maskAtoms(token.slice(0, url.index)) + url[0] + masked + token.slice(end);
  }
  if (WINDOWS_PATH.test(token)) return WILDCARD + token.slice(closingEnd(token, 0));
  // Paths: a `/`, `./`, `../` or `~/` at the start of the token or after an opening bracket, `=`,
  // `:` or a quote runs to the end of the token, except closing brackets, quotes and separators.
  const p = pathStart(token);
  if (p >= 0) {
    const end = closingEnd(token, p);
    const body = token.slice(p, end);
    const ip = /^\/(\d{1,3}(?:\.\d{1,3}){3})(:\d+)?$/.exec(body);
    const masked = ip ? WILDCARD + (ip[2] ? ':' + WILDCARD : '') : WILDCARD;
    return maskAtoms(token.slice(0, p)) + masked + maskRest(token.slice(end));
  }
  const core = stripTrail(token);
  // Addresses, times and dates are short; the length cap also keeps the regular expressions linear.
  if (core.length > 64) return maskAtoms(token);
  if (BRACKETED_IPV6.test(core)) {
    const port = core.lastIndexOf(']:');
    return '[' + WILDCARD + ']' + (port > 0 ? ':' + WILDCARD : '') + token.slice(core.length);
  }
  const colons = countOf(core, ':');
  if (colons >= 2 && IPV6.test(core) && /\d/.test(core) && !TIME.test(core))
    return WILDCARD + token.slice(core.length);
  if (TIME.test(core) || DATE.test(core)) return WILDCARD + token.slice(core.length);
  if (colons >= 5 || countOf(core, '-') >= 4) token = token.replace(MAC, WILDCARD).replace(UUID, WILDCARD);
  return maskAtoms(token);
}

/** `scheme://` in a token: the scheme's start and text, found backwards from `://` (linear). */
function urlScheme(token: string): { index: number; 0: string } | null {
  const at = token.indexOf('://');
  if (at <= 0) return null;
  let start = at;
  while (start > 0 && isSchemeChar(token.charCodeAt(start - 1))) start--;
  while (start < at && !isLetter(token.charCodeAt(start))) start++;
  if (start === at) return null;
  return { index: start, 0: token.slice(start, at + 3) };
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

// A-Z a-z 0-9 + . -
function isSchemeChar(c: number): boolean {
  return isLetter(c) || (c >= 48 && c <= 57) || c === 43 || c === 46 || c === 45;
}

function maskRest(rest: string): string {
  return rest.length === 0 ? rest : maskToken(rest);
}

function countOf(s: string, ch: string): number {
  let n = 0;
  for (let i = s.indexOf(ch); i >= 0; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

function pathStart(token: string): number {
  const n = token.length;
  for (let i = 0; i < n; i++) {
    const c = token.charCodeAt(i);
    if (c !== 47 /* / */) continue;
    let s = i;
    if (i > 0 && token.charCodeAt(i - 1) === 46 /* . */) {
      s = i - 1;
      if (s > 0 && token.charCodeAt(s - 1) === 46) s--;
    } else if (i > 0 && token.charCodeAt(i - 1) === 126 /* ~ */) s = i - 1;
    const before = s === 0 ? -1 : token.charCodeAt(s - 1);
    const opens =
      before === -1 ||
      before === 40 ||
      before === 91 ||
      before === 123 ||
      before === 61 ||
      before === 58 ||
      before === 39 ||
      before === 34 ||
      before === 60 ||
      before === 44;
    if (!opens) continue;
    if (i + 1 >= n || isClosing(token.charCodeAt(i + 1))) continue; // a lone slash is punctuation
    if (token.charCodeAt(i + 1) === 47) continue; // `//` without a scheme: not a path we know
    return s;
  }
  return -1;
}

// ) ] } > , ; : ' "
function isClosing(c: number): boolean {
  return (
    c === 41 || c === 93 || c === 125 || c === 62 || c === 44 || c === 59 || c === 58 || c === 39 || c === 34
  );
}

/** End of a path or URL body: before the trailing run of closing brackets, quotes and separators. */
function closingEnd(token: string, from: number): number {
  let end = token.length;
  while (end > from && isClosing(token.charCodeAt(end - 1))) end--;
  return end;
}

// Atom delimiters: ( ) [ ] { } < > , ; : = @ # $ ' " | / ! ? * & % + ~ ^ ` and backslash.
function isDelimiter(c: number): boolean {
  switch (c) {
    case 40:
    case 41:
    case 91:
    case 93:
    case 123:
    case 125:
    case 60:
    case 62:
    case 44:
    case 59:
    case 58:
    case 61:
    case 64:
    case 35:
    case 36:
    case 39:
    case 34:
    case 124:
    case 47:
    case 33:
    case 63:
    case 42:
    case 38:
    case 37:
    case 43:
    case 126:
    case 94:
    case 96:
    case 92:
      return true;
    default:
      return false;
  }
}

function maskAtoms(token: string): string {
  const n = token.length;
  let out = '';
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? token.charCodeAt(i) : -1;
    if (c !== -1 && !isDelimiter(c)) continue;
    if (i > start) {
      const atom = token.slice(start, i);
      // A `<*>` already in place (a masked UUID) is kept; so is the key of key=value.
      const isKey = c === 61 && !/^-?\d/.test(atom);
      out += isKey ? atom : maskAtom(atom);
    }
    if (c !== -1) out += token[i];
    start = i + 1;
  }
  return out;
}

function hasDigit(s: string): boolean {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) return true;
  }
  return false;
}

function digitCount(s: string): number {
  let d = 0;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) d++;
  }
  return d;
}

function isBoolOrNull(atom: string): boolean {
  if (atom.length < 4 || atom.length > 5) return false;
  const l = atom.toLowerCase();
  return l === 'true' || l === 'false' || l === 'null';
}

/** Classifies one atom (no delimiters inside, but may contain `.`, `-`, `_`). */
export function maskAtom(atom: string): string {
  if (atom === '*' || atom === WILDCARD) return atom;
  // Dots around an atom are punctuation: `40984.` → `<*>.`, `..0` → `..<*>`.
  const c0 = atom.charCodeAt(0);
  const cl = atom.charCodeAt(atom.length - 1);
  if (cl === 46 || (c0 === 46 && !(atom.length > 1 && isDigitAt(atom, 1)))) {
    let a = 0;
    let b = atom.length;
    while (b > 0 && atom.charCodeAt(b - 1) === 46) b--;
    while (a < b && atom.charCodeAt(a) === 46) a++;
    if (a === b) return atom;
    return atom.slice(0, a) + maskAtom(atom.slice(a, b)) + atom.slice(b);
  }
  if (!hasDigit(atom)) {
    if (isBoolOrNull(atom)) return WILDCARD;
    if (atom.length >= 8 && HEX.test(atom)) return WILDCARD;
    if (atom.includes('.') && isHostName(atom)) return WILDCARD;
    return atom;
  }
  if (isDigitAt(atom, 0) || ((c0 === 45 || c0 === 46) && atom.length > 1 && isDigitAt(atom, 1))) {
    // 104-127 is a range of two numbers; anything else starting with a digit is one value.
    return atom.includes('-', 1) && NUMERIC_RANGE.test(atom) ? atom.replace(/\d+/g, WILDCARD) : WILDCARD;
  }
  if (atom.includes('_')) {
    // An id: some `_`-separated part is a number or a variable word (blk_-42, rdd_2_0, root14_local).
    for (const part of atom.split('_'))
      if (part.length > 0 && (isNumberLike(part) || wordIsVariable(part))) return WILDCARD;
    return atom;
  }
  const dash = atom.indexOf('-');
  if (dash > 0) {
    // name-<digits…>: node-96, MININT-FNANLI5.corp.example.com, BP-1347-10.1.2.3-1444, jetty-6.1.26
    const labels = atom.split('-');
    const head = labels[0]!;
    if (/^[A-Za-z]+$/.test(head) && labels.slice(1).every(leadsWithDigits)) {
      return head + '-' + WILDCARD;
    }
  }
  if (atom.includes('.')) {
    if (isHostName(atom)) return WILDCARD;
    return atom
      .split('.')
      .map((label) => (label.length === 0 ? label : maskLabel(label)))
      .join('.');
  }
  return maskLabel(atom);
}

/** The part of a dash-separated label before its first dot holds a digit (5, X5.corp, 10.1.2.3). */
function leadsWithDigits(label: string): boolean {
  const dot = label.indexOf('.');
  return hasDigit(dot < 0 ? label : label.slice(0, dot));
}

function isNumberLike(part: string): boolean {
  return isDigitAt(part, 0) || (part.length > 1 && part.charCodeAt(0) === 45 && isDigitAt(part, 1));
}

function isDigitAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
}

/** A label without dots, possibly dashed. */
function maskLabel(label: string): string {
  if (!hasDigit(label)) return label;
  if (isNumberLike(label)) return WILDCARD;
  const dash = label.indexOf('-');
  if (dash > 0) {
    const parts = label.split('-');
    if (parts.length >= 3) return WILDCARD; // host-like: msra-sa-41, R10-M1-N2
    const head = parts[0]!;
    const tail = parts[1]!;
    const maskedTail = tail.length > 0 && hasDigit(tail) ? WILDCARD : tail;
    return (wordIsVariable(head) ? WILDCARD : head) + '-' + maskedTail;
  }
  return wordIsVariable(label) ? WILDCARD : label;
}

/** A word holding digits: variable when it has two or more digits or is a long hex string. */
function wordIsVariable(word: string): boolean {
  if (!hasDigit(word) || KNOWN_WORDS.test(word)) return false;
  if (isDigitAt(word, 0)) return true;
  return digitCount(word) >= 2 || HEX.test(word);
}

/**
 * A host name: `api.example.com`, `proxy.cse.cuhk.edu.hk` (a common top-level domain), or
 * `ec2-52-80-34-196.compute.amazonaws.com`, `MININT-X5.corp.example.com` (3+ labels, a
 * lowercase TLD-like last label and a digit or dash somewhere). Java and Python names
 * (`java.io.IOException`, `nova.compute.manager`, `mapred.task.id`) end in words that are no
 * top-level domain.
 */
function isHostName(atom: string): boolean {
  const dot = atom.lastIndexOf('.');
  if (dot <= 0 || !TLD.test(atom.slice(dot + 1))) return false;
  const labels = atom.split('.');
  const tld = labels[labels.length - 1]!;
  let variable = false;
  for (const label of labels) {
    if (label.length === 0 || !/^[A-Za-z0-9-]+$/.test(label)) return false;
    if (hasDigit(label) || label.includes('-')) variable = true;
  }
  return COMMON_TLDS.has(tld) || (labels.length >= 3 && variable);
}
