// Response headers every app sends: no `X-Powered-By` banner, no MIME sniffing, no framing, no
// referrer, and a Content-Security-Policy that lets a response do nothing in a browser (JSON and
// health answers are data, never a page). The web UI's files replace the policy with their own.
import type { INestApplication } from '@nestjs/common';

/** For answers that are data: nothing may load, run or frame them. */
export const DATA_CONTENT_SECURITY_POLICY =
  "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': DATA_CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

type HeaderTarget = { setHeader(name: string, value: string): unknown };

export function installSecurityHeaders(app: INestApplication): void {
  (app.getHttpAdapter().getInstance() as { disable(setting: string): void }).disable('x-powered-by');
  app.use((_request: unknown, response: HeaderTarget, next: () => void) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    next();
  });
}
