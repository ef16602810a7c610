export * from './dependency-graph.js';
export * from './attribution.js';
export * from './incidents.js';
