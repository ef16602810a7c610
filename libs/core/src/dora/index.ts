export * from './bands.js';
export * from './dora.js';
