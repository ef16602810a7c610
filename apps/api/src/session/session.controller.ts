// GET /api/v1/session — who the caller is. For a token: its name (the actor of what it does), its
// scopes, its expiry, and whether it may name the person it acts for (x-aftershock-actor). For a
// person signed in with single sign-on: their name and e-mail, the scopes their groups give, when
// the sign-in ends, and the CSRF token their writes must carry (X-CSRF-Token). The web UI shows
// the name and sends a person's name only where the token may act for others.
import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import { hasScope, SCOPES, type Scope } from '#config';
import { callerToken, RequireScope } from '#platform';
import { sessionOf } from '../auth/session.middleware.js';
import { Documented } from '../openapi/documented.js';

export interface SessionView {
  readonly token: string;
  readonly scopes: Scope[];
  readonly expiresAt: number | null;
  readonly actsForOthers: boolean;
  readonly kind: 'token' | 'person';
  readonly person?: {
    readonly name: string;
    readonly email: string | null;
    readonly groups: readonly string[];
  };
  readonly csrfToken?: string;
}

@Controller('api/v1/session')
@RequireScope('read')
export class SessionController {
  @Documented({
    summary:
      'who the caller is: a token (its name, the actor of what it does, scopes, expiry, whether it may act for others) or a person signed in with single sign-on',
    response: 'Session',
  })
  @Get()
  session(@Req() request: Request): SessionView {
    const token = callerToken(request)!;
    const signedIn = sessionOf(request);
    const scopes = SCOPES.filter((s) => hasScope(token, s));
    if (signedIn) {
      return {
        token: token.name,
        scopes: scopes.filter((s) => s !== 'delegate'),
        expiresAt: signedIn.expiresAt,
        actsForOthers: false,
        kind: 'person',
        person: {
          name: signedIn.person.name,
          email: signedIn.person.email ?? null,
          groups: signedIn.person.groups,
        },
        csrfToken: signedIn.csrfToken,
      };
    }
    return {
      token: token.name,
      scopes,
      expiresAt: token.expiresAt ?? null,
      actsForOthers: hasScope(token, 'delegate'),
      kind: 'token',
    };
  }
}
