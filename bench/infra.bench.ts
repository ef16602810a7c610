// `npm run bench:infra`: the infrastructure ceiling figures, on the local broker and chDB.
//   1. bare kafkajs eachBatch vs our transport with a no-op handler (messages/s, batch p50/p99, RSS)
//   2. the batch writer into chDB vs one bulk insert of the same rows (rows/s)
import { testKafkaBrokers } from '#testing/infra';
import { benchTransport } from './infra/transport.bench.js';
import { benchWriter } from './infra/writer.bench.js';

const log = (line: string) => console.log(line);
const brokers = await testKafkaBrokers();
log(`# transport — Kafka at ${brokers.join(',')}`);
await benchTransport(brokers, log);
log('');
log('# batch writer — chDB');
await benchWriter(log);
process.exit(0);
