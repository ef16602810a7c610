import type { AppSpec } from '#platform';
import { apiApp } from '../../api/src/api.app.js';
import { ApiModule } from '../../api/src/api.module.js';
import { correlatorApp } from '../../correlator/src/correlator.app.js';
import { CorrelatorModule } from '../../correlator/src/correlator.module.js';
import { ingestApp } from '../../ingest/src/ingest.app.js';
import { IngestModule } from '../../ingest/src/ingest.module.js';
import { problemsApp } from '../../problems/src/problems.app.js';
import { ProblemsModule } from '../../problems/src/problems.module.js';
import { recorderApp } from '../../recorder/src/recorder.app.js';
import { RecorderModule } from '../../recorder/src/recorder.module.js';

/**
 * Every app in one process on the embedded defaults: the embedded durable log and chDB, both in
 * AFTERSHOCK_DATA_DIR. Same feature
 * modules as service mode; only the adapters differ. Settings from the environment still win,
 * so `AFTERSHOCK_BUS=kafka KAFKA_BROKERS=…` runs all-in-one against a real broker.
 */
export const allInOneApp: AppSpec = {
  name: 'all-in-one',
  features: [IngestModule, CorrelatorModule, RecorderModule, ProblemsModule, ApiModule],
  needs: { bus: true, store: true },
  migrateOnStart: true,
  settings: [correlatorApp, recorderApp, problemsApp, apiApp, ingestApp].flatMap((app) => app.settings ?? []),
  consumers: [
    ...(ingestApp.consumers ?? []),
    ...(correlatorApp.consumers ?? []),
    ...(recorderApp.consumers ?? []),
    ...(problemsApp.consumers ?? []),
    ...(apiApp.consumers ?? []),
  ],
  defaults: { AFTERSHOCK_BUS: 'embedded' },
};
