import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadBusConfig, loadWireConfig } from './aftershock-config.js';
import { ConfigError, loadSettings, parseDuration, setting } from './settings.js';

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, 'expected a ConfigError');
    return error.problems.map((p) => `${p.setting}: ${p.problem}`);
  }
  assert.fail('expected the configuration to be rejected');
}

describe('settings', () => {
  const shape = {
    port: setting.int('HTTP_PORT', { default: 8080, min: 0, max: 65535 }),
    retention: setting.duration('RETENTION', { default: 1000 }),
    brokers: setting.list('BROKERS', { hostPorts: true }),
    verbose: setting.bool('VERBOSE', { default: false }),
  };

  it('reads typed values and applies defaults', () => {
    const config = loadSettings(shape, { BROKERS: 'a:1, b:2', RETENTION: '15m', VERBOSE: 'yes' });
    assert.deepEqual(config, { port: 8080, retention: 900_000, brokers: ['a:1', 'b:2'], verbose: true });
  });

  it('names every variable at fault in one error', () => {
    const problems = problemsOf(() =>
      loadSettings(shape, { HTTP_PORT: 'eighty', RETENTION: '3 weeks', VERBOSE: 'maybe' }),
    );
    assert.deepEqual(problems, [
      'HTTP_PORT: "eighty" is not an integer',
      'RETENTION: "3 weeks" is not a duration (use e.g. 500ms, 30s, 15m, 2h, 7d)',
      'BROKERS: is required (a comma-separated list)',
      'VERBOSE: "maybe" is not a boolean (use true or false)',
    ]);
  });

  it('rejects out-of-range numbers and malformed host:port entries', () => {
    assert.deepEqual(
      problemsOf(() => loadSettings(shape, { HTTP_PORT: '70000', BROKERS: 'kafka' })),
      ['HTTP_PORT: 70000 is outside 0..65535', 'BROKERS: "kafka" is not host:port'],
    );
  });

  it('parses durations in every unit', () => {
    assert.deepEqual(
      ['250ms', '30s', '1.5m', '2h', '7d', '42'].map(parseDuration),
      [250, 30_000, 90_000, 7_200_000, 604_800_000, 42],
    );
  });
});

describe('bus configuration', () => {
  it('requires brokers for the Kafka bus, not for the in-memory one', () => {
    assert.deepEqual(
      problemsOf(() => loadBusConfig({ AFTERSHOCK_BUS: 'kafka' })),
      ['KAFKA_BROKERS: is required when AFTERSHOCK_BUS=kafka (e.g. 127.0.0.1:9092)'],
    );
    assert.equal(loadBusConfig({ AFTERSHOCK_BUS: 'memory' }).bus, 'memory');
  });

  it('requires credentials when SASL is on, and passes TLS settings through', () => {
    assert.deepEqual(
      problemsOf(() => loadBusConfig({ KAFKA_BROKERS: 'k:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512' })),
      ['KAFKA_SASL_USERNAME: is required with SASL', 'KAFKA_SASL_PASSWORD: is required with SASL'],
    );
    const config = loadBusConfig({
      KAFKA_BROKERS: 'k:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    assert.equal(config.kafkaSsl, true);
    assert.equal(config.kafkaSaslMechanism, 'plain');
  });

  it('rejects an unknown bus kind by name', () => {
    assert.deepEqual(
      problemsOf(() => loadBusConfig({ AFTERSHOCK_BUS: 'rabbit' })),
      ['AFTERSHOCK_BUS: "rabbit" is not one of kafka, embedded, memory'],
    );
  });
});

describe('wire format (one setting group for every app)', () => {
  it('defaults to Avro and takes json and confluent', () => {
    assert.deepEqual(loadWireConfig({}), { format: 'avro', registry: undefined });
    assert.equal(loadWireConfig({ AFTERSHOCK_WIRE_FORMAT: 'json' }).format, 'json');
    assert.deepEqual(
      loadWireConfig({ AFTERSHOCK_WIRE_FORMAT: 'confluent', SCHEMA_REGISTRY_URL: 'http://registry:8081' }),
      {
        format: 'confluent',
        registry: { url: 'http://registry:8081/', username: undefined, password: undefined },
      },
    );
  });

  it('names the setting at fault: an unknown format, confluent without a registry', () => {
    assert.throws(
      () => loadWireConfig({ AFTERSHOCK_WIRE_FORMAT: 'protobuf' }),
      (e: ConfigError) =>
        /AFTERSHOCK_WIRE_FORMAT: "protobuf" is not one of avro, json, confluent/.test(e.message),
    );
    assert.throws(
      () => loadWireConfig({ AFTERSHOCK_WIRE_FORMAT: 'confluent' }),
      (e: ConfigError) =>
        /SCHEMA_REGISTRY_URL: is required with AFTERSHOCK_WIRE_FORMAT=confluent/.test(e.message),
    );
  });
});
