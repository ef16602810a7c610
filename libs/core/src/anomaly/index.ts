export * from './series-model.js';
export * from './detector.js';
export * from './scenario.js';
