// The door of an app's HTTP server during shutdown. Before anything else stops, the gate closes:
// new requests get 503 with Retry-After (a producer retries elsewhere or later, nothing it sent
// is half-taken), and the shutdown waits for requests already inside — an ingest request that
// is still putting its events on the bus — to answer. Only then does intake stop. Reads (GET,
// HEAD, OPTIONS) are not waited for: they accept nothing, and some (the live incident stream)
// stay open until a later phase ends them.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Seconds a refused client is asked to wait. */
export const RETRY_AFTER_S = 5;
const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class DrainGate {
  private inFlight = 0;
  private closed = false;
  private idle: PromiseWithResolvers<void> | undefined;

  /** Express-style middleware: counts requests in, refuses them once closed. */
  readonly middleware = (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    if (this.closed) {
      response.setHeader('Retry-After', String(RETRY_AFTER_S));
      response.setHeader('Connection', 'close');
      response.statusCode = 503;
      response.setHeader('Content-Type', 'application/json');
      response.end(
        JSON.stringify({
          error: { code: 'shutting-down', reason: 'the server is shutting down; retry later' },
        }),
      );
      request.resume();
      return;
    }
    if (READS.has(request.method ?? 'GET')) return next();
    this.inFlight++;
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      if (--this.inFlight === 0) this.idle?.resolve();
    };
    response.once('finish', done);
    response.once('close', done);
    next();
  };

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Refuses new requests from now on; resolves once the ones inside have answered. */
  close(): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0) return Promise.resolve();
    this.idle ??= Promise.withResolvers<void>();
    return this.idle.promise;
  }
}
