export * from './logger.js';
export * from './trace-context.js';
export * from './metrics-sdk.js';
export * from './telemetry.js';
export * from './tracing.js';
export * from './async-context.js';
export { isCredentialName, REDACTED } from './credentials.js';
