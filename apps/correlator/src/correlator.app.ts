import type { AppSpec } from '#platform';
import { ChangesConsumer } from './consumers/changes.consumer.js';
import { SignalsConsumer } from './consumers/signals.consumer.js';
import { CorrelatorModule } from './correlator.module.js';
import { loadCorrelatorConfig } from './correlator.settings.js';

export const CORRELATOR_GROUP = 'aftershock-correlator';

/** The correlator in service mode: its own process against Kafka; scale out with partitions. */
export const correlatorApp: AppSpec = {
  name: 'correlator',
  features: [CorrelatorModule],
  needs: { bus: true, store: false },
  consumers: [
    // Changes are a global table: a group per instance, so every instance reads every partition.
    {
      groupId: () => `${CORRELATOR_GROUP}-changes-${loadCorrelatorConfig().instanceId}`,
      consumer: ChangesConsumer,
    },
    { groupId: CORRELATOR_GROUP, consumer: SignalsConsumer },
  ],
};
