// The edges every app shares, wired once: logger, clock, readiness, the orderly shutdown
// sequence, and — when the app needs them — the message bus and the ClickHouse store. Service
// mode and all-in-one mode differ only in the configs passed here, never in app code.
import {
  Global,
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import type { AccessToken, BusConfig, StoreConfig, WireConfig } from '#config';
import { APP_GUARD } from '@nestjs/core';
import { ACCESS_TOKENS, ScopeGuard } from './auth.guard.js';
import type { Clock } from '#core';
import { EventCodec, SchemaRegistryClient, TABLE_TOPICS, TOPICS } from '#contracts';
import { createMessageBus, MESSAGE_BUS, type MessageBus } from '#messaging';
import type { Logger } from '#observability';
import { CLICKHOUSE_STORE, createClickHouseStore, runMigrations, type ClickHouseStore } from '#storage';
import { HealthController } from './health.controller.js';
import { MetricsController } from './metrics.controller.js';
import { Readiness } from './readiness.js';
import { ShutdownSequence } from './shutdown.js';
import { APP_INFO, CLOCK, HTTP_LIMITS, LOGGER, READINESS, SHUTDOWN, type AppInfo } from './tokens.js';

export const systemClock: Clock = { now: () => Date.now() };

export interface InfraOptions {
  readonly app: AppInfo;
  readonly logger: Logger;
  /** The wall clock unless a run drives its own time (the demo runs a simulated day). */
  readonly clock?: Clock;
  readonly tokens?: readonly AccessToken[];
  readonly maxBodyBytes?: number;
  readonly bus?: BusConfig;
  /** The wire format every app writes (AFTERSHOCK_WIRE_FORMAT): provides the shared EventCodec. */
  readonly wire?: WireConfig;
  readonly store?: StoreConfig & { readonly migrate: boolean };
  /** The apps' own settings, loaded and checked at start, each provided under its token. */
  readonly settings?: ReadonlyMap<symbol, unknown>;
}

@Injectable()
class ShutdownHook implements BeforeApplicationShutdown {
  constructor(@Inject(SHUTDOWN) private readonly shutdown: ShutdownSequence) {}
  beforeApplicationShutdown(): Promise<void> {
    return this.shutdown.run();
  }
}

@Global()
@Module({})
export class InfraModule {
  static forRoot(options: InfraOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: APP_INFO, useValue: options.app },
      { provide: LOGGER, useValue: options.logger },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      { provide: ACCESS_TOKENS, useValue: options.tokens ?? [] },
      { provide: HTTP_LIMITS, useValue: { maxBodyBytes: options.maxBodyBytes ?? 5 * 1024 * 1024 } },
      { provide: APP_GUARD, useClass: ScopeGuard },
      { provide: READINESS, useValue: new Readiness() },
      { provide: SHUTDOWN, useFactory: (logger: Logger) => new ShutdownSequence(logger), inject: [LOGGER] },
    ];
    const exported: (symbol | string | typeof EventCodec)[] = [
      APP_INFO,
      LOGGER,
      CLOCK,
      READINESS,
      SHUTDOWN,
      ACCESS_TOKENS,
      HTTP_LIMITS,
    ];
    if (options.bus) {
      const bus = options.bus;
      providers.push({
        provide: MESSAGE_BUS,
        inject: [LOGGER, READINESS, SHUTDOWN],
        useFactory: async (logger: Logger, readiness: Readiness, shutdown: ShutdownSequence) => {
          const instance: MessageBus = createMessageBus(bus, logger);
          await instance.connect();
          // Canonical and output topics exist before anyone produces or subscribes, also where
          // the brokers do not auto-create topics (the usual production setting).
          await instance.ensureTopics(
            Object.values(TOPICS).map((topic) => ({
              topic,
              partitions: bus.topicPartitions,
              retentionMs: bus.topicRetentionMs,
              compacted: TABLE_TOPICS.has(topic),
            })),
          );
          readiness.add('bus', () => instance.isReady());
          shutdown.register('disconnect', 'message bus', () => instance.close());
          return instance;
        },
      });
      exported.push(MESSAGE_BUS);
    }
    if (options.wire) {
      const wire = options.wire;
      providers.push({
        provide: EventCodec,
        inject: [CLOCK],
        useFactory: (clock: Clock) =>
          new EventCodec({
            format: wire.format,
            registry: wire.registry ? new SchemaRegistryClient(wire.registry) : undefined,
            now: () => clock.now(),
          }),
      });
      exported.push(EventCodec);
    }
    if (options.store) {
      const store = options.store;
      providers.push({
        provide: CLICKHOUSE_STORE,
        inject: [LOGGER, READINESS, SHUTDOWN],
        useFactory: async (logger: Logger, readiness: Readiness, shutdown: ShutdownSequence) => {
          const instance: ClickHouseStore = await createClickHouseStore(store, logger);
          if (store.migrate) await runMigrations(instance, { logger });
          readiness.add('clickhouse', () => instance.ping());
          shutdown.register('disconnect', 'clickhouse store', () => instance.close());
          return instance;
        },
      });
      exported.push(CLICKHOUSE_STORE);
    }
    for (const [token, value] of options.settings ?? []) {
      providers.push({ provide: token, useValue: value });
      exported.push(token);
    }
    return {
      module: InfraModule,
      global: true,
      controllers: [HealthController, MetricsController],
      providers: [...providers, ShutdownHook],
      exports: exported,
    };
  }
}
