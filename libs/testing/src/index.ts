export * from './docker.js';
export * from './kafka-broker.js';
