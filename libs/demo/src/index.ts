export * from './topology.js';
export * from './scenario.js';
