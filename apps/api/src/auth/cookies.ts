// The two cookies of single sign-on: the session (a random id of a server-side session) and the
// sign-in in progress (a random value binding the provider's callback to the browser that went
// there). Both HttpOnly (no script reads them), SameSite=Lax (sent on the provider's top-level
// redirect back, not on cross-site subrequests), Path=/, and Secure with the __Host- prefix when
// the public URL is https (then no other host or path can set or shadow them).
import type { CookieOptions, Request, Response } from 'express';

export const SESSION_COOKIE = 'aftershock-session';
export const SIGN_IN_COOKIE = 'aftershock-sign-in';

export const cookieName = (base: string, secure: boolean) => (secure ? `__Host-${base}` : base);

/** The value of one cookie of the request (the first, if the browser sent several). */
export function cookieValue(request: Pick<Request, 'headers'>, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : undefined;
  }
  return undefined;
}

function options(secure: boolean, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, secure, sameSite: 'lax', path: '/', ...(maxAgeMs ? { maxAge: maxAgeMs } : {}) };
}

export function setCookie(
  response: Response,
  name: string,
  value: string,
  secure: boolean,
  maxAgeMs: number,
): void {
  response.cookie(name, value, options(secure, maxAgeMs));
}

export function clearCookie(response: Response, name: string, secure: boolean): void {
  response.clearCookie(name, options(secure));
}
