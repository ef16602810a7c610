// Batch consumers of an app. Each runs on its own BatchTransport (a NestJS custom transport
// strategy) with its own consumer group and transport id, so several apps' consumers coexist
// in the all-in-one process exactly as they run apart in service mode. Topics come from the
// consumer (they may be configuration), so handlers are registered programmatically.
import type { INestApplication, Type } from '@nestjs/common';
import type { Assignment, BatchResult, Membership, MessageBus, PartitionBatch, TopicSpec } from '#messaging';
import { MESSAGE_BUS } from '#messaging';
import { BatchTransport } from '#messaging/nest';
import type { ShutdownSequence } from './shutdown.js';
import { SHUTDOWN } from './tokens.js';

export interface BatchConsumer {
  /** Topics to consume; every instance of the group shares their partitions. */
  topics(): readonly string[];
  handle(batch: PartitionBatch): Promise<BatchResult>;
  /** State to rebuild for a new assignment; batches wait for it (SubscribeOptions.onAssigned). */
  onAssigned?(assignment: Assignment, membership: Membership): Promise<void>;
}

export interface ConsumerSpec {
  /**
   * A function when the group depends on settings read at start (e.g. a per-instance group): it
   * gets what the app provides under a token (its AppSettings).
   */
  readonly groupId: string | ((provided: <T>(token: symbol) => T) => string);
  readonly consumer: Type<BatchConsumer>;
  /** Where a group without committed offsets starts: the beginning (default) or only new messages. */
  readonly fromBeginning?: boolean;
  /** One instance of the group owns every partition, the others stand by (SubscribeOptions.exclusive). */
  readonly exclusive?: boolean;
  /** Whether to run this consumer at all, from the settings (default: always). */
  readonly enabled?: (provided: <T>(token: symbol) => T) => boolean;
}

export async function connectConsumers(
  app: INestApplication,
  specs: readonly ConsumerSpec[],
  topicDefaults: Omit<TopicSpec, 'topic'>,
): Promise<void> {
  if (specs.length === 0) return;
  const bus = app.get<MessageBus>(MESSAGE_BUS);
  const shutdown = app.get<ShutdownSequence>(SHUTDOWN);
  for (const spec of specs) {
    if (spec.enabled && !spec.enabled((token) => app.get(token))) continue;
    const groupId =
      typeof spec.groupId === 'function' ? spec.groupId((token) => app.get(token)) : spec.groupId;
    const consumer = app.get(spec.consumer);
    const topics = consumer.topics();
    await bus.ensureTopics(topics.map((topic) => ({ topic, ...topicDefaults })));
    const transport = new BatchTransport({
      bus,
      groupId,
      fromBeginning: spec.fromBeginning ?? true,
      exclusive: spec.exclusive ?? false,
      onAssigned: consumer.onAssigned?.bind(consumer),
    });
    transport.setTransportId(Symbol(groupId));
    for (const topic of topics)
      transport.addHandler(topic, (batch: PartitionBatch) => consumer.handle(batch), true);
    app.connectMicroservice({ strategy: transport }, { inheritAppConfig: true });
    shutdown.register('stop-intake', `consumer ${groupId}`, () => transport.close());
  }
  await app.startAllMicroservices();
}
