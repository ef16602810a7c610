export * from './signals.js';
export * from './judge.js';
export * from './series-buffer.js';
export * from './verifier.js';
export * from './wording.js';
export * from './neighbours.js';
export * from './status-errors.js';
