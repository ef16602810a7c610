// Injection tokens for the edge services every app shares (Immich-style: every side effect,
// the clock included, is something injected).
export const LOGGER = Symbol.for('aftershock.Logger');
export const CLOCK = Symbol.for('aftershock.Clock');
export const READINESS = Symbol.for('aftershock.Readiness');
export const SHUTDOWN = Symbol.for('aftershock.Shutdown');
export const APP_INFO = Symbol.for('aftershock.AppInfo');
export const HTTP_LIMITS = Symbol.for('aftershock.HttpLimits');

export interface HttpLimits {
  readonly maxBodyBytes: number;
}

export interface AppInfo {
  readonly name: string;
  readonly version: string;
}
