export * from './scorecard.js';
export * from './render.js';
