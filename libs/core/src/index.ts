export * from './clock.js';
export * from './correlation/index.js';
