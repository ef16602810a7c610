import { randomUUID } from 'node:crypto';
import type { AppSpec } from '#platform';
import { ChangesConsumer } from './consumers/changes.consumer.js';
import { SignalsConsumer } from './consumers/signals.consumer.js';
import { CorrelatorModule } from './correlator.module.js';
import { CORRELATOR_GROUP, loadCorrelatorConfig } from './correlator.settings.js';

export { CORRELATOR_GROUP };

/** Per process start, so a restarted instance (same host name and pid in a container) reads the table again. */
const START_ID = randomUUID().slice(0, 8);

/** The correlator in service mode: its own process against Kafka; scale out with partitions. */
export const correlatorApp: AppSpec = {
  name: 'correlator',
  features: [CorrelatorModule],
  needs: { bus: true, store: false },
  consumers: [
    // Changes are a global table: a group per instance, so every instance reads every partition.
    {
      groupId: () => `${CORRELATOR_GROUP}-changes-${loadCorrelatorConfig().instanceId}-${START_ID}`,
      consumer: ChangesConsumer,
    },
    { groupId: CORRELATOR_GROUP, consumer: SignalsConsumer },
  ],
};
