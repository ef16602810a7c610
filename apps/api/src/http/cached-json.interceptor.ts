// The JSON of a cached answer (see ReadCache) is written once and sent as it is to every reader
// of it, instead of serialising the same objects again for each request: the same bytes Express's
// res.json would send (no replacer, no spaces), with the same content type.
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';
import { ReadCache } from './read-cache.js';

@Injectable()
export class CachedJsonInterceptor implements NestInterceptor {
  constructor(private readonly reads: ReadCache) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      map((body: unknown) => {
        const json = this.reads.json(body);
        if (json === undefined) return body;
        context.switchToHttp().getResponse<Response>().type('application/json');
        return json;
      }),
    );
  }
}
