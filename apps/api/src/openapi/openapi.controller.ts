// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document (public: it describes, it holds no data).
import { Controller, Get, Inject } from '@nestjs/common';
import { OPENAPI_DOCUMENT } from '../api.tokens.js';
import { Documented } from './documented.js';

@Controller('api/v1')
export class OpenApiController {
  constructor(@Inject(OPENAPI_DOCUMENT) private readonly openapi: unknown) {}

  @Documented({
    summary: 'this document',
    response: { 'application/json': { schema: { type: 'object' } } },
  })
  @Get('openapi.json')
  document(): unknown {
    return this.openapi;
  }
}
