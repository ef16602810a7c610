import { randomUUID } from 'node:crypto';
import { appSettings, type AppSpec } from '#platform';
import { ChangesConsumer } from './consumers/changes.consumer.js';
import { SignalsConsumer } from './consumers/signals.consumer.js';
import { CorrelatorModule } from './correlator.module.js';
import {
  CORRELATOR_CONFIG,
  CORRELATOR_GROUP,
  loadCorrelatorConfig,
  type CorrelatorConfig,
} from './correlator.settings.js';

export { CORRELATOR_GROUP };

/** Per process start, so a restarted instance (same host name and pid in a container) reads the table again. */
const START_ID = randomUUID().slice(0, 8);

/** The correlator in service mode: its own process against Kafka; scale out with partitions. */
export const correlatorApp: AppSpec = {
  name: 'correlator',
  features: [CorrelatorModule],
  needs: { bus: true, store: false },
  settings: [appSettings(CORRELATOR_CONFIG, loadCorrelatorConfig)],
  consumers: [
    // Changes are a global table: a group per instance, so every instance reads every partition.
    {
      groupId: (provided) =>
        `${CORRELATOR_GROUP}-changes-${provided<CorrelatorConfig>(CORRELATOR_CONFIG).instanceId}-${START_ID}`,
      consumer: ChangesConsumer,
    },
    { groupId: CORRELATOR_GROUP, consumer: SignalsConsumer },
  ],
};
