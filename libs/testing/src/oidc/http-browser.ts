// A browser reduced to what an OpenID Connect sign-in needs, for tests driving it over HTTP:
// a cookie jar (per host, honouring Path, Max-Age and Expires) and redirects followed by hand,
// so a test sees every hop and can stop at one (the callback with the code in it).

interface StoredCookie {
  readonly value: string;
  readonly path: string;
  readonly expiresAt: number | undefined;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: string | undefined;
}

export interface Hop {
  readonly url: string;
  readonly status: number;
  readonly location: string | undefined;
  readonly text: string;
  readonly headers: Headers;
}

export class HttpBrowser {
  /** host → cookie name + path → cookie. */
  private readonly jar = new Map<string, Map<string, StoredCookie & { name: string }>>();
  /** Every Set-Cookie header seen, as sent (for checks of the attributes). */
  readonly setCookies: string[] = [];

  /** Cookies this browser would send to `url`. */
  cookies(url: string): Record<string, string> {
    const target = new URL(url);
    const out: Record<string, string> = {};
    for (const cookie of this.jar.get(target.host)?.values() ?? []) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) continue;
      if (!target.pathname.startsWith(cookie.path)) continue;
      out[cookie.name] = cookie.value;
    }
    return out;
  }

  /** Forgets the cookies of one host (a browser that never was there). */
  forget(host: string): void {
    this.jar.delete(host);
  }

  /** One request, no redirect followed. */
  async request(
    method: string,
    url: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Hop> {
    const headers: Record<string, string> = { accept: 'text/html', ...options.headers };
    const cookies = Object.entries(this.cookies(url))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    if (cookies) headers.cookie = cookies;
    let body: string | undefined;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const response = await fetch(url, { method, headers, body, redirect: 'manual' });
    this.store(url, response.headers.getSetCookie());
    const location = response.headers.get('location') ?? undefined;
    return {
      url,
      status: response.status,
      location: location === undefined ? undefined : new URL(location, url).toString(),
      text: await response.text(),
      headers: response.headers,
    };
  }

  /**
   * Follows redirects from `url` (GET after each) until an answer that is not one, or until
   * `stopAt` says the next location is where to stop (answered without requesting it).
   */
  async follow(
    url: string,
    options: { stopAt?: (location: string) => boolean; method?: string; form?: Record<string, string> } = {},
  ): Promise<{ hops: Hop[]; last: Hop; stoppedAt?: string }> {
    const hops: Hop[] = [];
    let hop = await this.request(options.method ?? 'GET', url, { form: options.form });
    hops.push(hop);
    for (let i = 0; hop.location && i < 20; i++) {
      if (options.stopAt?.(hop.location)) return { hops, last: hop, stoppedAt: hop.location };
      hop = await this.request('GET', hop.location);
      hops.push(hop);
    }
    return { hops, last: hop };
  }

  private store(url: string, headers: readonly string[]): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, StoredCookie & { name: string }>();
    this.jar.set(host, cookies);
    for (const header of headers) {
      this.setCookies.push(header);
      const [pair, ...attributes] = header.split(';').map((s) => s.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      const attribute = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key}=`) || a.toLowerCase() === key);
      const path = attribute('path')?.split('=')[1] ?? '/';
      const maxAge = attribute('max-age')?.split('=')[1];
      const expires = attribute('expires')?.slice('expires='.length);
      const expiresAt =
        maxAge !== undefined ? Date.now() + Number(maxAge) * 1000 : expires ? Date.parse(expires) : undefined;
      const key = `${name} ${path}`;
      if (expiresAt !== undefined && expiresAt <= Date.now()) {
        cookies.delete(key);
        continue;
      }
      cookies.set(key, {
        name,
        value,
        path,
        expiresAt,
        httpOnly: attribute('httponly') !== undefined,
        secure: attribute('secure') !== undefined,
        sameSite: attribute('samesite')?.split('=')[1],
      });
    }
  }
}

/** Signs in at the test provider's development login and consent pages from its login page. */
export async function signInAtProvider(
  browser: HttpBrowser,
  loginPage: Hop,
  account: string,
  stopAt?: (location: string) => boolean,
): Promise<{ hops: Hop[]; last: Hop; stoppedAt?: string }> {
  if (!/name="login"/.test(loginPage.text))
    throw new Error(`not the provider's login page: ${loginPage.url}`);
  let result = await browser.follow(loginPage.url, {
    method: 'POST',
    form: { prompt: 'login', login: account, password: 'any password' },
    stopAt,
  });
  // The first sign-in of an account at this client asks for consent.
  if (!result.stoppedAt && /name="prompt" value="consent"/.test(result.last.text)) {
    result = await browser.follow(result.last.url, { method: 'POST', form: { prompt: 'consent' }, stopAt });
  }
  return result;
}
