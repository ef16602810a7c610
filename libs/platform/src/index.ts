export * from './tokens.js';
export * from './readiness.js';
export * from './shutdown.js';
export * from './infra.module.js';
export * from './bootstrap.js';
export { HealthController } from './health.controller.js';
export { JsonNestLogger } from './nest-logger.js';
export * from './auth.guard.js';
export * from './consumers.js';
