// The web UI's files, served from apps/api/ui (found from the project root, so it works from
// sources, from dist/ and when installed) at `/`, without auth: the UI asks for a token and
// sends it as a bearer token to the API. `/` is index.html; a page path without a file (client
// side routing) falls back to index.html; /api, /auth, /health and /metrics are never served from here.
// The UI's own Content-Security-Policy allows scripts, styles, images and connections from this
// origin only: no inline script, no eval, no framing, no plugins (an injected tag can do nothing).
// The few third-party files the UI loads (uPlot, its charting library) are served under /vendor/
// from the installed packages, not copied into the UI's folder.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { projectPath } from '#config';

export const UI_ROOT = projectPath('apps', 'api', 'ui');

const requirePackage = createRequire(import.meta.url);
/** URL path → file of an installed package, for each third-party file the UI loads. */
export const UI_VENDOR_FILES: Readonly<Record<string, string>> = {
  '/vendor/uplot/uPlot.esm.js': requirePackage.resolve('uplot/dist/uPlot.esm.js'),
  '/vendor/uplot/uPlot.min.css': requirePackage.resolve('uplot/dist/uPlot.min.css'),
};

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function uiHeaders(response: Response): void {
  response.setHeader('Content-Security-Policy', UI_CONTENT_SECURITY_POLICY);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader('Cache-Control', 'no-cache');
}
const NOT_UI = /^\/(api|auth|health|metrics)(\/|$)/;

@Injectable()
export class StaticUiMiddleware implements NestMiddleware {
  private readonly serve = express.static(UI_ROOT, {
    index: ['index.html'],
    dotfiles: 'ignore',
    fallthrough: true,
    redirect: false,
    etag: true,
    maxAge: 0,
    setHeaders: uiHeaders,
  });

  use(request: Request, response: Response, next: NextFunction): void {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_UI.test(request.path)) return next();
    const vendored = UI_VENDOR_FILES[request.path];
    if (vendored) {
      uiHeaders(response);
      return response.sendFile(vendored, { etag: true, cacheControl: false });
    }
    this.serve(request, response, (error?: unknown) => {
      if (error) return next(error);
      const page =
        !/\.[A-Za-z0-9]+$/.test(request.path) && (request.headers.accept ?? '').includes('text/html');
      const index = join(UI_ROOT, 'index.html');
      if (page && existsSync(index)) {
        uiHeaders(response);
        return response.sendFile(index);
      }
      next();
    });
  }
}
