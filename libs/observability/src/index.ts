export * from './logger.js';
export * from './trace-context.js';
export * from './telemetry.js';
export * from './async-context.js';
