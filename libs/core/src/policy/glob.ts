// Name globs for policy matchers: `*` matches any run of characters, `?` exactly one; the rest
// is literal. `payments-*` matches payments-api and payments-worker; `*` matches every name.

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let re = cache.get(glob);
  if (!re) {
    const body = glob
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/-]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`);
    cache.set(glob, re);
  }
  return re;
}

export function matchesAnyGlob(globs: readonly string[], name: string | null | undefined): boolean {
  if (name === null || name === undefined) return false;
  return globs.some((g) => globToRegExp(g).test(name));
}
