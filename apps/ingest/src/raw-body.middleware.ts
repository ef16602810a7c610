// Ingest routes read the body as raw bytes (signatures are computed over them, and formats such
// as OTLP protobuf are binary), up to the configured limit; over it, a JSON 413.
import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { HTTP_LIMITS, type HttpLimits } from '#platform';

@Injectable()
export class RawBodyMiddleware implements NestMiddleware {
  private readonly parse: express.RequestHandler;

  constructor(@Inject(HTTP_LIMITS) limits: HttpLimits) {
    this.parse = express.raw({ type: () => true, limit: limits.maxBodyBytes });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    this.parse(request, response, (error?: unknown) => {
      const status = (error as { status?: number } | undefined)?.status;
      if (status === 413) {
        response.status(413).json({ error: { code: 'body.too-large', reason: (error as Error).message } });
        return;
      }
      if (error) {
        response
          .status(status ?? 400)
          .json({ error: { code: 'body.unreadable', reason: (error as Error).message } });
        return;
      }
      next();
    });
  }
}
