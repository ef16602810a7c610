// http.server.request.duration (OpenTelemetry's HTTP semantic convention) for every request an
// app serves, by method, matched route template (never the raw path: ids would make a series
// each) and status code.
import type { NextFunction, Request, Response } from 'express';
import { meter, SECONDS_BUCKETS } from '#observability';

const requestDuration = meter.createHistogram('http.server.request.duration', {
  description: 'Duration of HTTP server requests',
  unit: 's',
  advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
});
const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

export function httpMetrics(request: Request, response: Response, next: NextFunction): void {
  const started = performance.now();
  response.once('finish', () => {
    const route = (request.route as { path?: unknown } | undefined)?.path;
    requestDuration.record((performance.now() - started) / 1000, {
      'http.request.method': KNOWN_METHODS.has(request.method) ? request.method : '_OTHER',
      'http.response.status_code': response.statusCode,
      ...(typeof route === 'string' ? { 'http.route': route } : {}),
      ...(response.statusCode >= 500 ? { 'error.type': String(response.statusCode) } : {}),
    });
  });
  next();
}
