// Wiring of the recorder from configuration (the EventCodec is the one every app shares, from
// #platform; RECORDER_CONFIG is loaded and checked at start, see recorder.app.ts).
import type { Provider } from '@nestjs/common';

export const recorderProviders: Provider[] = [];
