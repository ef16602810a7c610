// POST /api/v1/changes/assess — the pipeline gate. The body is a canonical Change (its
// startedAt the planned start); the answer is the risk assessment and the policy's decision
// with the rule that made it, from memory, within milliseconds. Nothing is published: a
// proposed change is assessed again, and published, when it arrives on the changes topic.
import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { DecodeError, EventCodec } from '#contracts';
import { API_CODEC } from '../api.tokens.js';
import { ApiError } from '../http/api-error.js';
import { WriteRoute } from '../http/write-route.js';
import { RiskGate, type GateResult } from './risk-gate.js';
import { Documented } from '../openapi/documented.js';

@Controller('api/v1/changes')
export class GateController {
  constructor(
    private readonly gate: RiskGate,
    @Inject(API_CODEC) private readonly codec: EventCodec,
  ) {}

  @Documented({
    summary: 'the change-risk gate: assess a proposed change and decide it by the standard-change policy',
    body: 'Change',
    response: 'GateResult',
    description:
      'The body is a canonical Change (JSON), `startedAt` its planned start; 400 names the field at fault. Answers from memory; nothing is published (the change is assessed again, and published on the assessments topic, when it arrives).',
  })
  @Post('assess')
  @HttpCode(200)
  @WriteRoute()
  assess(@Body() body: unknown): GateResult {
    let change;
    try {
      change = this.codec.validate('change', body);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      throw new ApiError(400, error.code, error.reason, error.field ?? '(body)');
    }
    return this.gate.assess(change);
  }
}
