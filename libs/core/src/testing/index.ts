// #core/testing: the core's test harness, kept out of the production barrel (#core) as Kafka
// keeps its TopologyTestDriver in kafka-streams-test-utils. Pure and deterministic like the core:
// scenario replays for the verifier and the anomaly detector, a broker-free driver for the whole
// correlator, and synthetic change histories with known truth for the risk model's specs.
export * from './verification-scenario.js';
export * from './anomaly-scenario.js';
export * from './correlation-driver.js';
export * from '../risk/simulation.js';
