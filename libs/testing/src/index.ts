export * from './docker.js';
export * from './kafka-broker.js';
export * from './builders.js';
export * from './clickhouse.js';
export * from './fuzz.js';
export * from './eventually.js';
