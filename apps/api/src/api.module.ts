import { readFileSync } from 'node:fs';
import {
  Module,
  RequestMethod,
  type MiddlewareConsumer,
  type NestModule,
  type Provider,
  type Type,
} from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { parseCatalog } from '#catalog';
import { EventCodec } from '#contracts';
import type { Clock } from '#core';
import { CLOCK } from '#platform';
import { CLICKHOUSE_STORE, type ClickHouseStore } from '#storage';
import { API_CONFIG, type ApiConfig } from './api.settings.js';
import {
  ALERTS_REPOSITORY,
  API_CODEC,
  ASSESSMENTS_REPOSITORY,
  CHANGES_REPOSITORY,
  INCIDENTS_REPOSITORY,
  PROBLEMS_REPOSITORY,
  SERVICE_CATALOG,
  SLO_COUNTS,
  TELEMETRY_REPOSITORY,
  OPENAPI_DOCUMENT,
  VERDICTS_REPOSITORY,
} from './api.tokens.js';
import { ChangesController } from './changes/changes.controller.js';
import { openApiDocument } from './openapi/openapi.js';
import { ChangesService } from './changes/changes.service.js';
import { CommandsPublisher } from './commands.publisher.js';
import {
  AlertsRepository,
  AssessmentsRepository,
  ChangesRepository,
  DEFAULT_RESOLUTION_POLICY,
  IncidentsRepository,
  ProblemsRepository,
  SloCountsRepository,
  TelemetryRepository,
  VerdictsRepository,
} from '#storage';
import { DoraController } from './dora/dora.controller.js';
import { DoraService } from './dora/dora.service.js';
import { SloBudgets } from './slo/slo-budgets.js';
import { SloDefinitionsService } from './slo/slo-definitions.service.js';
import { SlosController } from './slo/slos.controller.js';
import { ScorecardController } from './scorecard/scorecard.controller.js';
import { ScorecardService } from './scorecard/scorecard.service.js';
import { AssessmentsConsumer } from './gate/assessments.consumer.js';
import { GateController } from './gate/gate.controller.js';
import { GateTradeOffController } from './gate/gate-trade-off.controller.js';
import { HistoryConsumer } from './gate/history.consumer.js';
import { RiskGate } from './gate/risk-gate.js';
import { ApiExceptionFilter } from './http/api-exception.filter.js';
import { CorsMiddleware } from './http/cors.middleware.js';
import { ReadCache } from './http/read-cache.js';
import { CachedJsonInterceptor } from './http/cached-json.interceptor.js';
import { WriteBuckets, WriteRateLimitGuard } from './http/write-rate-limit.guard.js';
import { IncidentsController } from './incidents/incidents.controller.js';
import { IncidentsService } from './incidents/incidents.service.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ProblemsController } from './problems/problems.controller.js';
import { ProblemsService } from './problems/problems.service.js';
import { IncidentStream } from './stream/incident-stream.js';
import { StreamConsumer } from './stream/stream.consumer.js';
import { SessionController } from './session/session.controller.js';
import { SsoModule } from './auth/sso.module.js';
import { StreamController, STREAM_PATH } from './stream/stream.controller.js';
import { StreamTicketMiddleware } from './stream/stream-ticket.middleware.js';
import { StreamTickets } from './stream/stream-tickets.js';
import { StaticUiMiddleware } from './ui/static-ui.middleware.js';

const repository = (token: symbol, make: (store: ClickHouseStore) => unknown): Provider => ({
  provide: token,
  inject: [CLICKHOUSE_STORE],
  useFactory: make,
});

const providers: Provider[] = [
  { provide: OPENAPI_DOCUMENT, useFactory: () => openApiDocument(API_CONTROLLERS) },
  // The codec every app shares (AFTERSHOCK_WIRE_FORMAT, from #platform), under the api's name for it.
  { provide: API_CODEC, useExisting: EventCodec },
  {
    provide: SERVICE_CATALOG,
    inject: [API_CONFIG],
    useFactory: (config: ApiConfig) =>
      config.catalogFile
        ? parseCatalog(readFileSync(config.catalogFile, 'utf8'), config.catalogFile)
        : undefined,
  },
  repository(INCIDENTS_REPOSITORY, (store) => new IncidentsRepository(store)),
  repository(ALERTS_REPOSITORY, (store) => new AlertsRepository(store)),
  repository(CHANGES_REPOSITORY, (store) => new ChangesRepository(store)),
  repository(VERDICTS_REPOSITORY, (store) => new VerdictsRepository(store)),
  repository(PROBLEMS_REPOSITORY, (store) => new ProblemsRepository(store)),
  repository(ASSESSMENTS_REPOSITORY, (store) => new AssessmentsRepository(store)),
  {
    provide: TELEMETRY_REPOSITORY,
    inject: [CLICKHOUSE_STORE, CLOCK],
    useFactory: (store: ClickHouseStore, clock: Clock) =>
      new TelemetryRepository(store, DEFAULT_RESOLUTION_POLICY, () => clock.now()),
  },
  {
    provide: SLO_COUNTS,
    inject: [CLICKHOUSE_STORE, CLOCK],
    useFactory: (store: ClickHouseStore, clock: Clock) =>
      new SloCountsRepository(store, { now: () => clock.now() }),
  },
  { provide: APP_FILTER, useClass: ApiExceptionFilter },
  { provide: APP_INTERCEPTOR, useClass: CachedJsonInterceptor },
  CommandsPublisher,
  WriteBuckets,
  WriteRateLimitGuard,
  ReadCache,
  IncidentsService,
  ChangesService,
  ProblemsService,
  DoraService,
  SloBudgets,
  SloDefinitionsService,
  ScorecardService,
  RiskGate,
  IncidentStream,
  StreamTickets,
  HistoryConsumer,
  AssessmentsConsumer,
  StreamConsumer,
];

/** Every controller of the api; the OpenAPI document is generated from their routes. */
export const API_CONTROLLERS: Type[] = [
  OpenApiController,
  IncidentsController,
  GateController,
  GateTradeOffController,
  ChangesController,
  ProblemsController,
  DoraController,
  SlosController,
  ScorecardController,
  StreamController,
  SessionController,
];

/**
 * The api app: the REST API under /api/v1 with its OpenAPI document, the live incident stream,
 * the change-risk gate (and an assessment for every arriving change), and the web UI's files.
 */
@Module({
  imports: [SsoModule.register()],
  controllers: API_CONTROLLERS,
  providers,
})
export class ApiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorsMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
    consumer
      .apply(StreamTicketMiddleware)
      .forRoutes({ path: STREAM_PATH.slice(1), method: RequestMethod.GET });
    consumer
      .apply(StaticUiMiddleware)
      .forRoutes(
        { path: '{*path}', method: RequestMethod.GET },
        { path: '{*path}', method: RequestMethod.HEAD },
      );
  }
}
