// The OpenAPI document is generated from the controllers: every route they serve is in it with
// the scope it requires, a route without its @Documented is refused, the document's references
// all resolve, and its schemas check what the API answers.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Controller, Get } from '@nestjs/common';
import { API_CONTROLLERS } from '../api.module.js';
import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { aChange, anIncident } from '#testing';
import { documentedRoutes } from './documented.js';
import { componentSchemas, openApiDocument } from './openapi.js';

describe('the OpenAPI document', () => {
  const document = openApiDocument(API_CONTROLLERS) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
  };

  it('is generated from every route the controllers serve, each with its scope', () => {
    const routes = documentedRoutes(API_CONTROLLERS);
    assert.ok(routes.length >= 22, `${routes.length} routes found`);
    for (const route of routes) {
      const op = document.paths[route.path]?.[route.method];
      assert.ok(op, `${route.method} ${route.path} is documented`);
      assert.equal(op['x-aftershock-scope'], route.scope);
    }
    assert.equal(document.paths['/api/v1/incidents/{id}/comment']?.post?.['x-aftershock-scope'], 'write');
    assert.equal(document.paths['/api/v1/openapi.json']?.get?.['x-aftershock-scope'], 'public');
  });

  it('refuses a route that does not document itself', () => {
    @Controller('api/v1/extra')
    class Undocumented {
      @Get()
      list(): string {
        return '';
      }
    }
    assert.throws(() => openApiDocument([Undocumented]), /GET \/api\/v1\/extra has no @Documented/);
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

  it('checks events against the schemas it shows (derived from Avro), naming what is wrong', () => {
    const references = Object.values(componentSchemas());
    const errors = (name: string, value: unknown) =>
      [...Value.Errors(Type.Ref(name), references, value)].map((e) => e.path);
    assert.deepEqual(errors('Incident', anIncident()), []);
    assert.deepEqual(errors('Change', aChange()), []);
    assert.ok(errors('Incident', { ...anIncident(), severity: 'urgent' }).includes('/severity'));
    const { title: _title, ...untitled } = anIncident();
    assert.ok(errors('Incident', untitled).includes('/title'));
  });
});
