export * from './masking.js';
export * from './template-id.js';
export * from './template-miner.js';
