// A normaliser turns one raw input (a Kafka record or an HTTP body) in a producer's own format
// into canonical events. Normalisers are pure apart from the small, bounded state some formats
// need (cumulative counters): no I/O, time passed in. They throw DecodeError (code, reason,
// field) for input they refuse; the caller sends it to the dead-letter topic or answers 4xx.
import type { Alert, Change, TelemetryBatch } from '#contracts';
import type { ServiceIdentity } from './service-identity.js';

export interface RawInput {
  readonly body: Buffer;
  /** Kafka record headers or HTTP headers, names lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Where it came from: the raw topic name or the HTTP route. */
  readonly source: string;
  /** When Aftershock received it, epoch ms. */
  readonly receivedAt: number;
}

export type CanonicalEvent =
  | { readonly event: 'change'; readonly value: Change }
  | { readonly event: 'alert'; readonly value: Alert }
  | { readonly event: 'telemetry'; readonly value: TelemetryBatch };

export interface NormaliseContext {
  readonly identity: ServiceIdentity;
}

export interface Normaliser {
  /** Format name as used in raw topic names and HTTP routes, e.g. `alertmanager`. */
  readonly format: string;
  normalise(input: RawInput, context: NormaliseContext): CanonicalEvent[];
}
