// A producer process for the embedded log's kill -9 test: sends numbered messages to the log in
// DIR from several concurrent senders and prints each acknowledged number on stdout (one per
// line) the moment its send resolved. The test kills it at a random point and checks that every
// number printed is in the log exactly once.
//   argv: DIR SYNC(full|normal)
import { EmbeddedLogBus } from '../src/embedded/embedded-log-bus.js';
import type { LogSync } from '../src/embedded/log-protocol.js';

const [dir, sync] = process.argv.slice(2) as [string, LogSync];
const bus = new EmbeddedLogBus({ dir, sync, defaultPartitions: 3 });
await bus.connect();
await bus.ensureTopics([{ topic: 'acked', partitions: 3 }]);
let next = 0;
const sender = async () => {
  for (;;) {
    const n = next++;
    await bus.send('acked', [{ key: `k${n % 7}`, value: String(n) }]);
    process.stdout.write(`${n}\n`);
  }
};
process.stdout.write('ready\n');
await Promise.all(Array.from({ length: 8 }, sender));
