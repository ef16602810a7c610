// Wiring of the recorder from configuration (the EventCodec is the one every app shares, from #platform).
import type { Provider } from '@nestjs/common';
import { loadRecorderConfig } from './recorder.settings.js';
import { RECORDER_CONFIG } from './recorder.tokens.js';

export const recorderProviders: Provider[] = [
  { provide: RECORDER_CONFIG, useFactory: () => loadRecorderConfig() },
];
