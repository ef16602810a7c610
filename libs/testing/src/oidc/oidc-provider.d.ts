// The part of oidc-provider (v9, which ships no types) the test provider uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface KoaContext {
    readonly path: string;
    readonly method: string;
    body: unknown;
  }

  export interface ProviderClient {
    readonly clientId: string;
  }

  export class IdTokenModel {
    constructor(available: Record<string, unknown>, options: { ctx?: KoaContext; client?: ProviderClient });
    set(key: string, value: unknown): void;
    issue(options: { use: 'idtoken' | 'logout' | 'userinfo' }): Promise<string>;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly issuer: string;
    readonly IdToken: typeof IdTokenModel;
    readonly Client: { find(id: string): Promise<ProviderClient | undefined> };
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): this;
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
