// #testing/infra: what the integration and end-to-end tiers run against — a real Kafka broker
// and a ClickHouse engine (a server, a testcontainers one, or embedded chDB), and the Docker probe
// that chooses between them. Loading it loads the storage drivers; unit specs import #testing.
export * from './docker.js';
export * from './kafka-broker.js';
export * from './clickhouse.js';
