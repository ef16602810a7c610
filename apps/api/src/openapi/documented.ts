// What a route tells the OpenAPI document, written on the route itself (`@Documented({…})`
// beside `@Get`): the document is generated from the controllers — method, path, path
// parameters, status and scope from their Nest decorators, the rest from this — so a route
// cannot be served undocumented or documented unserved.
import { HttpStatus, RequestMethod, SetMetadata, type Type } from '@nestjs/common';
import { HTTP_CODE_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import type { Scope } from '#config';
import { requiredScope } from '#platform';

export type JsonSchema = Record<string, unknown>;

export interface RouteDoc {
  readonly summary: string;
  readonly description?: string;
  /** Query parameters, by their names in the document's parameters (path parameters come from the path). */
  readonly query?: readonly string[];
  /** Schema component of the JSON body. */
  readonly body?: string;
  /** Schema component of the success body, or a content map. */
  readonly response: string | Record<string, JsonSchema>;
  readonly notFound?: boolean;
  /** The action can be refused for the state the resource is in (409). */
  readonly conflict?: boolean;
  /** A 429 of its own (other than the write rate limit), by response name. */
  readonly tooMany?: string;
}

const DOC_KEY = 'aftershock:openapi';

/** How an action names who did it, for the routes that record an actor. */
const ACTOR_NOTE =
  'The actor is the name configured with the token; a token with the delegate scope may name the person it acts for in `x-aftershock-actor` (any other token sending the header: 403).';

export const Documented = (doc: RouteDoc) => SetMetadata(DOC_KEY, doc);

/** An action on a resource: its body, 202 with the command published, 404 and 409; `note` ends with a space. */
export const actionDoc = (summary: string, body: string, response: string, note: string): RouteDoc => ({
  summary,
  body,
  response,
  notFound: true,
  conflict: true,
  description: note + ACTOR_NOTE,
});

export interface DocumentedRoute {
  readonly method: string;
  /** OpenAPI path template: `/api/v1/incidents/{id}`. */
  readonly path: string;
  readonly pathParameters: readonly string[];
  readonly status: number;
  readonly scope: Scope | 'public';
  readonly doc: RouteDoc | undefined;
}

/** Every route the controllers serve, in their order, with what it documents (undefined: nothing). */
export function documentedRoutes(controllers: readonly Type[]): DocumentedRoute[] {
  const out: DocumentedRoute[] = [];
  for (const controller of controllers) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const route = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const verb = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (route === undefined || verb === undefined) continue;
      const method = RequestMethod[verb]!.toLowerCase();
      const path = `/${[base, route].filter((p) => p && p !== '/').join('/')}`;
      out.push({
        method,
        path: path.replace(/:(\w+)/g, '{$1}'),
        pathParameters: [...path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
        status:
          (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
          (method === 'post' ? HttpStatus.CREATED : HttpStatus.OK),
        scope: requiredScope(controller, handler) ?? 'public',
        doc: Reflect.getMetadata(DOC_KEY, handler) as RouteDoc | undefined,
      });
    }
  }
  return out;
}
