export * from './change-failure.js';
export * from './change-history.js';
export * from './features.js';
export * from './logistic.js';
export * from './risk-model.js';
export * from './assess.js';
export * from './scoring.js';
export * from './simulation.js';
