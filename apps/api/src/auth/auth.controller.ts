// The browser's side of single sign-on (outside /api/v1 and its OpenAPI document: these are
// pages a browser is sent through, not API calls):
//   GET  /auth/methods   public: whether SSO is on and the provider's name (the UI's sign-in dialog)
//   GET  /auth/login     ?return=<path of the UI>: to the provider, remembering where to come back
//   GET  /auth/callback  the provider's answer: the session cookie set, back where the person was
//   POST /auth/logout    (X-CSRF-Token) the session ended; { redirect } to the provider's sign-out
// A refused sign-in answers in the error shape, as a small page when a browser asks for HTML.
import { Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import {
  clearCookie,
  cookieName,
  cookieValue,
  SESSION_COOKIE,
  setCookie,
  SIGN_IN_COOKIE,
} from './cookies.js';
import { SIGN_IN_TTL_MS } from './sessions.js';
import { AuthFailure, SsoService } from './sso.service.js';

export interface AuthMethods {
  readonly sso: { readonly provider: string; readonly login: string } | null;
}

@Controller('auth')
export class AuthController {
  constructor(private readonly sso: SsoService) {}

  @Get('methods')
  methods(): AuthMethods {
    const config = this.sso.config;
    return { sso: config ? { provider: config.providerName, login: '/auth/login' } : null };
  }

  @Get('login')
  async login(
    @Query('return') returnTo: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const secure = this.secure;
    const name = cookieName(SIGN_IN_COOKIE, secure);
    try {
      const { url, browser } = await this.sso.start(returnTo, cookieValue(request, name));
      setCookie(response, name, browser, secure, SIGN_IN_TTL_MS);
      noStore(response).redirect(303, url.toString());
    } catch (error) {
      refuse(request, response, error);
    }
  }

  @Get('callback')
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const secure = this.secure;
    const query = new URL(request.originalUrl, 'http://callback.invalid').searchParams;
    try {
      const { id, session, returnTo } = await this.sso.finish(
        query,
        cookieValue(request, cookieName(SIGN_IN_COOKIE, secure)),
      );
      setCookie(
        response,
        cookieName(SESSION_COOKIE, secure),
        id,
        secure,
        session.expiresAt - session.createdAt,
      );
      noStore(response).redirect(303, returnTo);
    } catch (error) {
      refuse(request, response, error);
    }
  }

  @Post('logout')
  @HttpCode(200)
  async logout(@Req() request: Request, @Res() response: Response): Promise<void> {
    const secure = this.secure;
    const name = cookieName(SESSION_COOKIE, secure);
    const redirect = await this.sso.end(cookieValue(request, name));
    clearCookie(response, name, secure);
    noStore(response).json({ redirect });
  }

  private get secure(): boolean {
    return this.sso.config?.secureCookies ?? false;
  }
}

function noStore(response: Response): Response {
  return response.setHeader('Cache-Control', 'no-store');
}

function refuse(request: Request, response: Response, error: unknown): void {
  if (!(error instanceof AuthFailure)) throw error;
  noStore(response).status(error.status);
  if (!(request.headers.accept ?? '').includes('text/html')) {
    response.json({ error: { code: error.code, reason: error.reason } });
    return;
  }
  response
    .type('html')
    .send(
      `<!doctype html><html lang="en"><meta charset="utf-8"><title>Sign-in failed · Aftershock</title>` +
        `<h1>Sign-in failed</h1><p>${escapeHtml(error.reason)}</p><p><a href="/">Back to Aftershock</a></p></html>`,
    );
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
