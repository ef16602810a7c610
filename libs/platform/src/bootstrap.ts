// Boots one Aftershock app (or all of them in one process): validates configuration first and
// exits non-zero with a message naming each bad setting, logs JSON, serves health and
// readiness, and shuts down in order on SIGTERM/SIGINT.
import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplication, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  collectProblems,
  ConfigError,
  parseTokens,
  loadBusConfig,
  DEFAULT_SHUTDOWN_TIMEOUT_MS,
  loadSettings,
  loadWireConfig,
  serverSettings,
  storeSettings,
  type Env,
  type ServerConfig,
  packageVersion,
} from '#config';
import type { Clock } from '#core';
import { createLogger, installTraceContextPropagation, startTraceExport, type Logger } from '#observability';
import { InfraModule, type InfraOptions } from './infra.module.js';
import { JsonNestLogger } from './nest-logger.js';
import { connectConsumers, type ConsumerSpec } from './consumers.js';
import { servesTokenRoutes } from './auth.guard.js';
import { installSecurityHeaders } from './security-headers.js';
import { DrainGate } from './drain-gate.js';
import { httpMetrics } from './http-metrics.js';
import type { ShutdownSequence } from './shutdown.js';
import { SHUTDOWN } from './tokens.js';

/**
 * An app's own settings: read and checked once at start, with every other setting, so one
 * message names every bad variable; then provided under `token` to whoever injects it.
 */
export interface AppSettings<T = unknown> {
  readonly token: symbol;
  load(env: Env): T;
}

export function appSettings<T>(token: symbol, load: (env: Env) => T): AppSettings<T> {
  return { token, load };
}

export interface AppSpec {
  /** App name, used in logs and health output. */
  readonly name: string;
  /** The app's own settings (all-in-one: every app's). */
  readonly settings?: readonly AppSettings[];
  /** Feature modules this process runs. */
  readonly features: readonly (Type | DynamicModule)[];
  readonly needs: { readonly bus: boolean; readonly store: boolean };
  /**
   * Apply pending ClickHouse migrations at start. Only the all-in-one process does this; in
   * service mode exactly one `aftershock migrate` step runs before the apps, so replicas never race.
   */
  readonly migrateOnStart?: boolean;
  /** Overrides the wall clock (the demo runs a simulated day at accelerated time). */
  readonly clock?: Clock;
  /** Batch consumers, each with its own consumer group. */
  readonly consumers?: readonly ConsumerSpec[];
  /** Defaults that differ per mode (all-in-one uses the in-memory bus). */
  readonly defaults?: Partial<Env>;
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly url: string;
  readonly logger: Logger;
  readonly config: ServerConfig;
  close(): Promise<void>;
}

export const CONFIG_ERROR_EXIT_CODE = 78; // EX_CONFIG from sysexits.h

/** Reads and checks every setting the app needs; throws ConfigError naming each bad one. */
export function loadAppConfig(spec: AppSpec, env: Env = process.env) {
  const merged: Env = { ...spec.defaults, ...Object.fromEntries(Object.entries(env).filter(([, v]) => v)) };
  const { attempt, check } = collectProblems();
  const server = attempt(() => loadSettings(serverSettings, merged));
  const tokens = attempt(() => parseTokens(server?.tokens));
  const bus = spec.needs.bus ? attempt(() => loadBusConfig(merged)) : undefined;
  const wire = spec.needs.bus ? attempt(() => loadWireConfig(merged)) : undefined;
  const store = spec.needs.store ? attempt(() => loadSettings(storeSettings, merged)) : undefined;
  const settings = new Map<symbol, unknown>();
  for (const app of spec.settings ?? [])
    settings.set(
      app.token,
      attempt(() => app.load(merged)),
    );
  check();
  return { server: server!, bus, wire, store, tokens: tokens ?? [], settings };
}

export async function startApp(spec: AppSpec, env: Env = process.env): Promise<RunningApp> {
  const config = loadAppConfig(spec, env);
  installTraceContextPropagation();
  const logger = createLogger({ level: config.server.logLevel, fields: { app: spec.name } });
  const appInfo = { name: spec.name, version: packageVersion() };
  const traces = startTraceExport(appInfo);
  const infra: InfraOptions = {
    app: appInfo,
    logger,
    clock: spec.clock,
    tokens: config.tokens,
    maxBodyBytes: config.server.maxBodyBytes,
    bus: config.bus,
    wire: config.wire,
    store: config.store ? { ...config.store, migrate: spec.migrateOnStart ?? false } : undefined,
    settings: config.settings,
  };

  @Module({ imports: [InfraModule.forRoot(infra), ...spec.features] })
  class RootModule {}

  const app = await NestFactory.create(RootModule, {
    logger: new JsonNestLogger(logger),
    abortOnError: false,
    // Each module parses its own bodies (raw bytes for ingest, JSON with limits for the API).
    bodyParser: false,
  });
  installSecurityHeaders(app);
  if (config.tokens.length === 0 && servesTokenRoutes(app)) {
    logger.warn('no access tokens configured: every API and ingest request is refused with 401', {
      setting: 'AFTERSHOCK_TOKENS',
      example: 'AFTERSHOCK_TOKENS=ops=read+write:<secret of 16+ characters>',
    });
  }
  // First in, first to close at shutdown: every request passes the drain gate.
  const gate = new DrainGate();
  app.use(gate.middleware);
  app.get<ShutdownSequence>(SHUTDOWN).register('close-door', 'http (503 while draining)', () => gate.close());
  app.use(httpMetrics);
  if (traces) app.get<ShutdownSequence>(SHUTDOWN).register('flush', 'trace export', () => traces.shutdown());
  if (config.bus) {
    const { topicPartitions: partitions, topicRetentionMs: retentionMs } = config.bus;
    await connectConsumers(app, spec.consumers ?? [], { partitions, retentionMs });
  }
  await app.listen(config.server.httpPort, config.server.httpHost);
  const address = app.getHttpServer().address() as { port: number } | string | null;
  const port = typeof address === 'object' && address ? address.port : config.server.httpPort;
  const url = `http://${config.server.httpHost}:${port}`;
  logger.info('started', {
    url,
    bus: config.bus?.bus,
    store: config.store ? storeKind(config.store) : undefined,
    traces: traces ? 'otlp' : 'off',
  });
  return { app, url, logger, config: config.server, close: () => app.close() };
}

/**
 * SIGTERM/SIGINT → orderly close (the ShutdownSequence runs in beforeApplicationShutdown), then
 * exit 0; exit 1 when it does not finish within SHUTDOWN_TIMEOUT. NestJS's own shutdown hooks
 * re-raise the signal after closing, which reads as a crash to supervisors; this does not.
 * Installed before the app starts: a signal that arrives while it starts (a supervisor that
 * stops it at once, a test that stops it on the `started` log) is kept and answered with the
 * same orderly close once the app is up (exit 1 if it is not up within SHUTDOWN_TIMEOUT: start-up
 * may hang on a dependency that is down), instead of killing the process halfway. The same signal
 * a second time is not caught: it stops the process at once, as an impatient operator means.
 */
function exitOnSignals(): { started(running: RunningApp): void; failed(): void } {
  let running: RunningApp | undefined;
  let received: NodeJS.Signals | undefined;
  let waiting: NodeJS.Timeout | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) return;
    received = signal;
    if (running) return shutDown(running, signal);
    // Start-up may hang on a dependency (a broker that is down): the signal is not kept forever.
    const limitMs = startupGraceMs();
    waiting = setTimeout(() => {
      process.stderr.write(
        `aftershock: ${signal} while starting, not started ${limitMs} ms later: exiting\n`,
      );
      process.exit(1);
    }, limitMs);
    waiting.unref();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return {
    started(app) {
      running = app;
      clearTimeout(waiting);
      if (received) shutDown(app, received);
    },
    failed() {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}

/** SHUTDOWN_TIMEOUT as set (checked with the other settings at start), else its default. */
function startupGraceMs(): number {
  try {
    return loadSettings(serverSettings, process.env).shutdownTimeoutMs;
  } catch {
    return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  }
}

function shutDown(running: RunningApp, signal: NodeJS.Signals): void {
  running.logger.info('shutting down', { signal });
  const timer = setTimeout(() => {
    running.logger.error('shutdown timed out', { timeoutMs: running.config.shutdownTimeoutMs });
    process.exit(1);
  }, running.config.shutdownTimeoutMs);
  timer.unref();
  running.close().then(
    () => {
      running.logger.info('stopped');
      process.exit(0);
    },
    (error: unknown) => {
      running.logger.error('shutdown failed', { error });
      process.exit(1);
    },
  );
}

function storeKind(store: { clickhouseUrl?: string }): string {
  return store.clickhouseUrl ? 'clickhouse-http' : 'chdb';
}

/** Entry point for `main.ts` files: config errors exit with a named message, not a stack. */
export async function runApp(spec: AppSpec): Promise<RunningApp | undefined> {
  const signals = exitOnSignals();
  try {
    const running = await startApp(spec);
    signals.started(running);
    return running;
  } catch (error) {
    signals.failed();
    if (error instanceof ConfigError) {
      process.stderr.write(`aftershock ${spec.name}: ${error.message}\n`);
      process.exitCode = CONFIG_ERROR_EXIT_CODE;
      return undefined;
    }
    process.stderr.write(`aftershock ${spec.name}: failed to start: ${(error as Error).stack ?? error}\n`);
    process.exit(1);
  }
}
