import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBusConfig } from '#config';
import { silentLogger } from '#observability';
import { kafkaClientConfig } from './kafka-client-config.js';

const base = { AFTERSHOCK_BUS: 'kafka', KAFKA_BROKERS: 'k1:9092,k2:9093', KAFKA_CLIENT_ID: 'ingest' };

describe('kafkaClientConfig', () => {
  it('passes brokers and client id, without TLS or SASL by default', () => {
    const options = kafkaClientConfig(loadBusConfig(base), silentLogger);
    assert.deepEqual(options.brokers, ['k1:9092', 'k2:9093']);
    assert.equal(options.clientId, 'ingest');
    assert.equal(options.ssl, false);
    assert.equal(options.sasl, undefined);
  });

  it('passes SCRAM credentials and TLS with the CA bundle from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftershock-ca-'));
    const caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = loadBusConfig({
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'aftershock',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    const options = kafkaClientConfig(config, silentLogger);
    assert.deepEqual(options.sasl, {
      mechanism: 'scram-sha-512',
      username: 'aftershock',
      password: 's3cret',
    });
    assert.deepEqual(options.ssl, { ca: ['-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'] });
  });

  it('uses the system trust store for TLS without a CA file, and SASL PLAIN over it', () => {
    const config = loadBusConfig({
      ...base,
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'p',
    });
    const options = kafkaClientConfig(config, silentLogger);
    assert.equal(options.ssl, true);
    assert.deepEqual(options.sasl, { mechanism: 'plain', username: 'u', password: 'p' });
  });
});
