import { randomUUID } from 'node:crypto';
import { appSettings, type AppSpec } from '#platform';
import { ChangesConsumer } from './consumers/changes.consumer.js';
import { ProblemsConsumer } from './consumers/problems.consumer.js';
import { SignalsConsumer } from './consumers/signals.consumer.js';
import { CorrelatorModule } from './correlator.module.js';
import { CORRELATOR_CONFIG, loadCorrelatorConfig, type CorrelatorConfig } from './correlator.settings.js';

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
      groupId: (provided) => {
        const config = provided<CorrelatorConfig>(CORRELATOR_CONFIG);
        return `${config.groupId}-changes-${config.instanceId}-${START_ID}`;
      },
      consumer: ChangesConsumer,
    },
    {
      groupId: (provided) => provided<CorrelatorConfig>(CORRELATOR_CONFIG).groupId,
      consumer: SignalsConsumer,
    },
    // Problems for the known errors of incidents told about here: a group per instance, new records only.
    {
      groupId: (provided) => {
        const config = provided<CorrelatorConfig>(CORRELATOR_CONFIG);
        return `${config.groupId}-problems-${config.instanceId}-${START_ID}`;
      },
      consumer: ProblemsConsumer,
      fromBeginning: false,
    },
  ],
};
