// Single sign-on for the api and its UI (OpenID Connect, code flow with PKCE): the /auth routes
// and the session middleware on every route. Off (no routes but /auth/methods answering
// { sso: null }, no cookies read) unless OIDC_ISSUER is set.
import {
  Module,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import type { Clock } from '#core';
import { AuthController } from './auth.controller.js';
import { SessionMiddleware } from './session.middleware.js';
import { SSO_CLOCK, SsoService, wallClock } from './sso.service.js';

@Module({})
export class SsoModule implements NestModule {
  /** Sessions and ID tokens judged by `clock`: the wall clock, or a test's. */
  static register(clock: Clock = wallClock): DynamicModule {
    return {
      module: SsoModule,
      controllers: [AuthController],
      providers: [{ provide: SSO_CLOCK, useValue: clock }, SsoService, SessionMiddleware],
      exports: [SsoService],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
