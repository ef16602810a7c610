export * from './series-model.js';
export * from './detector.js';
