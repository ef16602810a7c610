// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document (public: it describes, it holds no data).
import { Controller, Get } from '@nestjs/common';
import { openApiDocument } from './openapi.js';

@Controller('api/v1')
export class OpenApiController {
  @Get('openapi.json')
  document(): unknown {
    return openApiDocument();
  }
}
