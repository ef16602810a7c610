// Reading a request body as bytes, up to a limit. It runs from interceptors, i.e. after the
// guards: a request without a valid token is refused before a byte of its body is read, so an
// unauthenticated caller cannot make the server read (or buffer) up to HTTP_MAX_BODY_BYTES.
import express, { type Request, type Response } from 'express';

/** Why a body could not be read: 413 over the limit, 400 (or the parser's 4xx) otherwise. */
export class BodyRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: 'body.too-large' | 'body.unreadable',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'BodyRefused';
  }
}

const readers = new Map<number, express.RequestHandler>();

/** The body's bytes (empty when there is none); rejects with BodyRefused. */
export function readBody(request: Request, response: Response, maxBytes: number): Promise<Buffer> {
  let read = readers.get(maxBytes);
  if (!read) readers.set(maxBytes, (read = express.raw({ type: () => true, limit: maxBytes })));
  return new Promise((resolve, reject) => {
    read(request, response, (error?: unknown) => {
      if (!error) return resolve(Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));
      const status = (error as { status?: number }).status;
      if (status === 413) {
        return reject(
          new BodyRefused(
            413,
            'body.too-large',
            `the body is larger than ${maxBytes} bytes (HTTP_MAX_BODY_BYTES)`,
          ),
        );
      }
      reject(
        new BodyRefused(status && status < 500 ? status : 400, 'body.unreadable', (error as Error).message),
      );
    });
  });
}
