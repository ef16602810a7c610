export * from './clock.js';
export * from './correlation/index.js';
export * from './verification/index.js';
export * from './problems/index.js';
export * from './templates/index.js';
export * from './risk/index.js';
export * from './policy/index.js';
export * from './dora/index.js';
