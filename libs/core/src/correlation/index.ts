export * from './dependency-graph.js';
export * from './attribution.js';
export * from './incidents.js';
export * from './change-log.js';
export * from './correlator.js';
export * from './restore.js';
export * from './edge-inference.js';
export * from './responder-actions.js';
