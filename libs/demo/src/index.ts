export * from './topology.js';
export * from './scenario.js';
export * from './demo-day.js';
