// GET /api/v1/session — who the caller's token is: its name (the actor of what it does), its
// scopes, its expiry, and whether it may name the person it acts for (x-aftershock-actor). The
// web UI shows the name and sends a person's name only where the token may act for others.
import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { hasScope, SCOPES, type Scope } from '#config';
import { callerToken, RequireScope } from '#platform';
import { Documented } from '../openapi/documented.js';

export interface SessionView {
  readonly token: string;
  readonly scopes: Scope[];
  readonly expiresAt: number | null;
  readonly actsForOthers: boolean;
}

@Controller('api/v1/session')
@RequireScope('read')
export class SessionController {
  @Documented({
    summary:
      'who the token is: its name (the actor of what it does), scopes, expiry and whether it may act for others',
    response: 'Session',
  })
  @Get()
  session(@Req() request: Request): SessionView {
    const token = callerToken(request)!;
    return {
      token: token.name,
      scopes: SCOPES.filter((s) => hasScope(token, s)),
      expiresAt: token.expiresAt ?? null,
      actsForOthers: hasScope(token, 'delegate'),
    };
  }
}
