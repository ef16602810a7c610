// GET /api/v1/risk/gate — the gate in a change manager's terms, from the fleet's own history:
// for "approve without review below risk r", the share of changes that would have skipped review
// and the share of failing changes that would have slipped through, at several r; beside it the
// scores of the probabilities the gate gave (Brier, skill, AUC, calibration and its reliability
// bins). Range default: the last 90 days.
import { Controller, Get, Inject, Query } from '@nestjs/common';
import type { Clock, GateTradeOff } from '#core';
import { CLOCK, RequireScope } from '#platform';
import type { AssessmentsRepository } from '#storage';
import { ASSESSMENTS_REPOSITORY } from '../api.tokens.js';
import { parseName, parseRange, type Query as QueryParams } from '../http/query.js';
import { RiskGate } from './risk-gate.js';
import { Documented } from '../openapi/documented.js';

const DAY = 86_400_000;

export interface GateTradeOffView extends GateTradeOff {
  readonly from: number;
  readonly to: number;
  readonly service: string | null;
  /** Changes that started after this had no time to show their outcome and are left out. */
  readonly settledBefore: number;
  readonly riskClasses: { readonly normalFrom: number; readonly highFrom: number };
}

@Controller('api/v1/risk')
@RequireScope('read')
export class GateTradeOffController {
  constructor(
    private readonly gate: RiskGate,
    @Inject(ASSESSMENTS_REPOSITORY) private readonly assessments: AssessmentsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Documented({
    summary:
      'the gate’s trade-off from the fleet’s own history: for “approve below risk r”, the share of changes skipping review and of failing changes slipping through',
    query: ['from', 'to', 'service'],
    response: 'GateTradeOff',
    description:
      'Range default: the last 90 days. Each change counts with the probability its published assessment gave it on arrival, and as failed when Aftershock’s records show it failed; changes younger than the settle time are left out.',
  })
  @Get('gate')
  async tradeOff(@Query() query: QueryParams): Promise<GateTradeOffView> {
    const now = this.clock.now();
    const range = parseRange(query, now, 90 * DAY);
    const service = parseName(query, 'service');
    const assessed = await this.assessments.assessedBetween(range, service);
    return {
      from: range.from,
      to: range.to,
      service: service ?? null,
      settledBefore: now - this.gate.history.settings.settleMs,
      riskClasses: this.gate.policy().riskClasses,
      ...this.gate.tradeOff(assessed, now),
    };
  }
}
