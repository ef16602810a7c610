import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { context, ROOT_CONTEXT, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { installTraceContextPropagation } from '#observability';
import { InMemoryBus } from './memory/in-memory-bus.js';
import type { InboundMessage } from './port.js';
import { installAsyncContext } from '#observability';
import { deferred, text } from './testing/test-support.js';

const producerSpan: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};
const inProducerSpan = <T>(fn: () => T): T =>
  context.with(trace.setSpanContext(ROOT_CONTEXT, producerSpan), fn);

describe('W3C trace context through the bus', () => {
  before(() => {
    installAsyncContext();
    installTraceContextPropagation();
  });

  it('carries the producer span in a traceparent header and parents the consumer span with it', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 2 });
    const seen = deferred<{ message: InboundMessage; active: SpanContext | undefined }>();
    await bus.subscribe({
      groupId: 'g',
      topics: ['alerts'],
      handler: async (batch) =>
        seen.resolve({ message: batch.messages[0]!, active: trace.getSpanContext(context.active()) }),
    });
    await inProducerSpan(() => bus.send('alerts', [{ key: 'svc', value: 'v' }]));
    const { message, active } = await seen.promise;
    assert.equal(text(message.headers.traceparent), `00-${producerSpan.traceId}-${producerSpan.spanId}-01`);
    assert.equal(active?.traceId, producerSpan.traceId, 'the handler runs in the producer trace');
    await bus.close();
  });

  it('keeps a traceparent the caller set and sends no header outside any span', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 1 });
    const forwarded = '00-11111111111111111111111111111111-2222222222222222-00';
    await inProducerSpan(() => bus.send('t', [{ value: 'a', headers: { traceparent: forwarded } }]));
    await bus.send('t', [{ value: 'b' }]);
    const got = deferred<InboundMessage[]>();
    await bus.subscribe({ groupId: 'g', topics: ['t'], handler: async (b) => got.resolve([...b.messages]) });
    const [a, b] = await got.promise;
    assert.equal(text(a!.headers.traceparent), forwarded);
    assert.equal(b!.headers.traceparent, undefined);
    await bus.close();
  });

  it('puts dead letters in the trace of the consumer that rejected them', async () => {
    const bus = new InMemoryBus({ defaultPartitions: 1, deadLetterTopic: 'dlq' });
    await bus.subscribe({
      groupId: 'g',
      topics: ['alerts'],
      handler: async (batch) => ({
        rejected: batch.messages.map((message) => ({ message, code: 'x', reason: 'y' })),
      }),
    });
    const dead = deferred<InboundMessage>();
    await bus.subscribe({
      groupId: 'r',
      topics: ['dlq'],
      handler: async (b) => dead.resolve(b.messages[0]!),
    });
    await inProducerSpan(() => bus.send('alerts', [{ value: 'bad' }]));
    const traceparent = text((await dead.promise).headers.traceparent);
    assert.match(traceparent ?? '', new RegExp(`^00-${producerSpan.traceId}-`));
    await bus.close();
  });
});
