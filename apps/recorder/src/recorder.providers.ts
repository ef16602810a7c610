// Wiring of the recorder from configuration.
import type { Provider } from '@nestjs/common';
import { EventCodec, SchemaRegistryClient } from '#contracts';
import type { Clock } from '#core';
import { CLOCK } from '#platform';
import { loadRecorderConfig, type RecorderConfig } from './recorder.settings.js';
import { RECORDER_CONFIG } from './recorder.tokens.js';

export const recorderProviders: Provider[] = [
  { provide: RECORDER_CONFIG, useFactory: () => loadRecorderConfig() },
  {
    provide: EventCodec,
    inject: [RECORDER_CONFIG, CLOCK],
    useFactory: (config: RecorderConfig, clock: Clock) =>
      new EventCodec({
        format: config.wireFormat,
        registry: config.schemaRegistry ? new SchemaRegistryClient(config.schemaRegistry) : undefined,
        now: () => clock.now(),
      }),
  },
];
