import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CatalogError, parseCatalog } from './service-catalog.js';

describe('service catalog', () => {
  it('reads Aftershock’s own format', () => {
    const catalog = parseCatalog(
      [
        'services:',
        '  - name: frontend',
        '    team: web',
        '    dependsOn: [checkout, catalog]',
        '  - name: checkout',
        '    dependsOn: [payments]',
      ].join('\n'),
    );
    assert.deepEqual(catalog.edges, [
      { from: 'checkout', to: 'payments' },
      { from: 'frontend', to: 'checkout' },
      { from: 'frontend', to: 'catalog' },
    ]);
    assert.equal(catalog.services.find((s) => s.name === 'frontend')!.team, 'web');
  });

  it('reads Backstage catalog-info.yaml documents, spec.dependsOn and spec.owner', () => {
    const text = [
      'apiVersion: backstage.io/v1alpha1',
      'kind: Component',
      'metadata:',
      '  name: checkout',
      '  labels: { cluster: eu-1 }',
      'spec:',
      '  type: service',
      '  owner: group:default/payments-team',
      '  dependsOn:',
      '    - component:default/payments',
      '    - resource:default/orders-db',
      '---',
      'apiVersion: backstage.io/v1alpha1',
      'kind: Group',
      'metadata: { name: payments-team }',
    ].join('\n');
    const catalog = parseCatalog(text, 'catalog-info.yaml');
    assert.deepEqual(catalog.services, [
      {
        name: 'checkout',
        team: 'payments-team',
        cluster: 'eu-1',
        region: undefined,
        dependsOn: ['payments', 'orders-db'],
      },
    ]);
  });

  it('names the file, line and field at fault', () => {
    assert.throws(
      () => parseCatalog(['services:', '  - name: a', '  - team: b'].join('\n'), 'services.yaml'),
      (e: unknown) =>
        e instanceof CatalogError && /^services\.yaml:3: services\.1\.name: is required/.test(e.message),
    );
    assert.throws(
      () => parseCatalog(['services:', '  - name: a', '    dependsOn: b'].join('\n'), 'services.yaml'),
      /services\.yaml:3: services\.0\.dependsOn: expected a list of names/,
    );
    assert.throws(() => parseCatalog('services: [\n', 'broken.yaml'), /broken\.yaml:\d+:/);
  });
});
