// The OpenAPI document against the code: every route a controller serves is documented with
// the scope it requires, nothing is documented that no controller serves, and the document's
// own references all resolve.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RequestMethod, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { API_CONTROLLERS } from '../api.module.js';
import { openApiDocument } from './openapi.js';

const CONTROLLERS: readonly Type[] = API_CONTROLLERS;
const SCOPE_KEY = 'aftershock:scope';

function servedRoutes(): Map<string, string> {
  const routes = new Map<string, string>();
  for (const controller of CONTROLLERS) {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller));
    const classScope = Reflect.getMetadata(SCOPE_KEY, controller) as string | undefined;
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = (controller.prototype as Record<string, unknown>)[name];
      if (typeof handler !== 'function' || name === 'constructor') continue;
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) continue;
      const full = `/${[base, path].filter((p) => p && p !== '/').join('/')}`.replace(/:(\w+)/g, '{$1}');
      const scope = (Reflect.getMetadata(SCOPE_KEY, handler) as string | undefined) ?? classScope ?? 'public';
      routes.set(`${RequestMethod[method]!.toLowerCase()} ${full}`, scope);
    }
  }
  return routes;
}

describe('the OpenAPI document', () => {
  const document = openApiDocument() as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const documented = new Map<string, string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item))
      documented.set(`${method} ${path}`, String(op['x-aftershock-scope']));
  }

  it('documents every route the controllers serve, with its scope, and no other', () => {
    const served = servedRoutes();
    assert.ok(served.size >= 19, `${served.size} routes found`);
    assert.deepEqual([...documented.keys()].sort(), [...served.keys()].sort());
    for (const [route, scope] of served) assert.equal(documented.get(route), scope, route);
  });

  it('has only references that resolve', () => {
    const text = JSON.stringify(document);
    const refs = new Set([...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!));
    for (const ref of refs) {
      let node: unknown = document;
      for (const part of ref.split('/')) node = (node as Record<string, unknown> | undefined)?.[part];
      assert.ok(node, `#/${ref} resolves`);
    }
  });
});
