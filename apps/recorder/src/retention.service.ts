// Brings the telemetry tables' TTLs to the configured retention when the app starts (see
// libs/storage/src/queries/retention.ts): a no-op while they already match.
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from '#observability';
import { LOGGER } from '#platform';
import { CLICKHOUSE_STORE, type ClickHouseStore } from '#storage';
import { applyTelemetryRetention } from '#storage';
import type { RecorderConfig } from './recorder.settings.js';
import { RECORDER_CONFIG } from './recorder.tokens.js';

@Injectable()
export class RetentionService implements OnApplicationBootstrap {
  constructor(
    @Inject(CLICKHOUSE_STORE) private readonly store: ClickHouseStore,
    @Inject(RECORDER_CONFIG) private readonly config: RecorderConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await applyTelemetryRetention(this.store, this.config.retention, this.logger, this.config.cluster);
  }
}
