export * from './clock.js';
export * from './correlation/index.js';
export * from './verification/index.js';
