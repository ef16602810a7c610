// #testing: pure test data — builders for every contract event, fuzzing, waiting on an outcome.
// Nothing here starts or loads infrastructure, so a unit spec of the pure core stays pure; the
// broker, ClickHouse (testcontainers or embedded chDB) and Docker probes are in #testing/infra.
export * from './builders.js';
export * from './fuzz.js';
export * from './eventually.js';
export * from './refusal.js';
