// SLOs written through the api, as every app reads them: the slo-definitions topic read whole at
// start, then followed — a new write, a rewrite and a delete are seen by a second reader within
// its poll; the writer reads its own write at once; a record that no longer validates is left
// out; a file's SLO wins a clash of names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventCodec, TOPICS, type SloDefinitionRecord } from '#contracts';
import type { SloDefinition } from '#core';
import { InMemoryBus } from '#messaging';
import { silentLogger } from '#observability';
import { anSloDefinition, T0 } from '#testing';
import { SloDefinitions, sloSetOf } from './slo-definitions.js';

const codec = new EventCodec({ now: () => T0 + 86_400_000, format: 'avro' });

async function write(bus: InMemoryBus, record: SloDefinitionRecord): Promise<void> {
  await bus.send(TOPICS.sloDefinitions, [
    { key: record.name, value: await codec.encode('slo-definition', record) },
  ]);
}

/** Resolves with the next set a reader reports. */
function nextChange() {
  let resolve!: (slos: readonly SloDefinition[]) => void;
  let pending = new Promise<readonly SloDefinition[]>((r) => (resolve = r));
  return {
    onChange: (slos: readonly SloDefinition[]) => {
      resolve(slos);
      pending = new Promise((r) => (resolve = r));
    },
    next: () => pending,
  };
}

const names = (slos: readonly SloDefinition[]) => slos.map((s) => s.name);

describe('SLO definitions written through the api', () => {
  it('are read whole at start, and a write, a rewrite and a delete are followed', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 3 });
    await bus.ensureTopics([{ topic: TOPICS.sloDefinitions, partitions: 3, compacted: true }]);
    await write(bus, anSloDefinition());
    await write(
      bus,
      anSloDefinition({
        name: 'gone',
        openslo: anSloDefinition().openslo!.replace(/checkout-availability/g, 'gone'),
      }),
    );
    await write(bus, anSloDefinition({ name: 'gone', openslo: null, at: T0 + 2 * 3_600_000 }));
    const changes = nextChange();
    const reader = await new SloDefinitions(bus, codec, silentLogger, {
      pollMs: 10,
      onChange: changes.onChange,
    }).start();
    try {
      assert.deepEqual(names(reader.current()), ['checkout-availability'], 'a deleted SLO is not in force');
      assert.equal(reader.current()[0]!.file, 'api');

      const tighter = anSloDefinition({
        openslo: anSloDefinition().openslo!.replace('0.995', '0.999'),
        at: T0 + 3 * 3_600_000,
      });
      await write(bus, tighter);
      const seen = await changes.next();
      assert.equal(seen[0]!.objectives[0]!.target, 0.999, 'the newest record of a name is in force');

      await write(bus, anSloDefinition({ openslo: null, at: T0 + 4 * 3_600_000 }));
      assert.deepEqual(names(await changes.next()), []);
      assert.equal(reader.record('checkout-availability')?.openslo, null);
    } finally {
      reader.close();
    }
  });

  it('the writer reads its own write at once; an older record changes nothing', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 1 });
    const reader = await new SloDefinitions(bus, codec, silentLogger, { pollMs: 60_000 }).start();
    try {
      assert.deepEqual(names(reader.current()), []);
      reader.accept(anSloDefinition({ at: T0 + 5 }));
      assert.deepEqual(names(reader.current()), ['checkout-availability']);
      reader.accept(anSloDefinition({ openslo: null, at: T0 }));
      assert.deepEqual(names(reader.current()), ['checkout-availability']);
    } finally {
      reader.close();
    }
  });

  it('leaves out a record that does not validate, and keeps the others', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 1 });
    await write(bus, anSloDefinition());
    await write(bus, anSloDefinition({ name: 'broken', openslo: 'apiVersion: openslo/v1\nkind: SLO\n' }));
    const reader = await new SloDefinitions(bus, codec, silentLogger, { pollMs: 60_000 }).start();
    reader.close();
    assert.deepEqual(names(reader.current()), ['checkout-availability']);
  });

  it("a file's SLO wins a clash of names", async () => {
    const bus = new InMemoryBus({ defaultPartitions: 1 });
    await write(bus, anSloDefinition());
    const reader = await new SloDefinitions(bus, codec, silentLogger, { pollMs: 60_000 }).start();
    reader.close();
    const fromFile = { ...reader.current()[0]!, file: 'shop.yaml' };
    assert.deepEqual(
      sloSetOf([fromFile], reader.current()).map((s) => s.file),
      ['shop.yaml'],
    );
  });
});
