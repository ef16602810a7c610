import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskMessage, maskToken, tokenize } from './masking.js';

const masked = (text: string) => maskMessage(text).join(' ');

describe('tokenize', () => {
  it('splits on any run of whitespace and drops empty tokens', () => {
    assert.deepEqual(tokenize('  a\tb  c\r\n'), ['a', 'b', 'c']);
    assert.deepEqual(tokenize(''), []);
  });
});

describe('maskMessage', () => {
  const cases: [kind: string, input: string, expected: string][] = [
    ['masks integers and negatives', 'took 160 ms, code -17', 'took <*> ms, code <*>'],
    ['masks decimals and versions', 'progress 0.023958297 on jetty-6.1.26', 'progress <*> on jetty-<*>'],
    [
      'masks a number ending a sentence and keeps the full stop',
      'started on port 40984.',
      'started on port <*>.',
    ],
    ['masks hex with 0x and bare hex', 'at 0x0b85eee0 iar 003a90fc mask ffffffff', 'at <*> iar <*> mask <*>'],
    ['masks UUIDs', 'request 7f3c9a2e-1b2c-4d5e-8f90-123456789abc failed', 'request <*> failed'],
    [
      'masks hashes',
      'pulled sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      'pulled sha256:<*>',
    ],
    [
      'masks IPv4 with a port, keeping the colon',
      'from 10.251.73.220:50010 to /10.250.14.38:37362',
      'from <*>:<*> to <*>:<*>',
    ],
    ['masks IPv4 alone', 'Invalid user webmaster from 173.234.31.186', 'Invalid user webmaster from <*>'],
    ['masks IPv6, bracketed with a port', 'to 2001:db8::1 and [::1]:8080', 'to <*> and [<*>]:<*>'],
    ['masks MAC addresses', 'chip FF:F2:9F:16:E2:23:00:0D:60:E9:1D:DC ip=10.0.0.151', 'chip <*> ip=<*>'],
    ['masks host names', 'on db-prod-3.eu-west-1.compute.internal and msra-sa-41', 'on <*> and <*>'],
    ['masks a name with a numbered tail', 'node node-96 and MININT-FNANLI5', 'node node-<*> and MININT-<*>'],
    [
      'masks host:port',
      'Retrying connect to server: msra-sa-41:8030.',
      'Retrying connect to server: <*>:<*>.',
    ],
    ['masks absolute paths', 'Deleting file /mnt/hadoop/dfs/data/current/blk_1', 'Deleting file <*>'],
    [
      'masks paths inside brackets and after a key',
      'chdir(/p/gb1/x) failed Path:/home/curi/.zk',
      'chdir(<*>) failed Path:<*>',
    ],
    ['masks relative and Windows paths', 'run ./runtime_malloc to C:\\Users\\x\\AppData', 'run <*> to <*>'],
    [
      'keeps words around a slash: they are not paths',
      'power/control problem on tree/torus',
      'power/control problem on tree/torus',
    ],
    [
      'masks URLs with an address',
      'Input split: hdfs://10.10.34.11:9000/pjhe/logs/2kSOSP.log:21876+7292',
      'Input split: hdfs://<*>',
    ],
    [
      'masks URL host:port',
      'Default file system [hdfs://msra-sa-41:9000]',
      'Default file system [hdfs://<*>:<*>]',
    ],
    [
      'keeps documentation URLs without an address',
      'see http://wiki.apache.org/hadoop/NoRouteToHost',
      'see http://wiki.apache.org/hadoop/NoRouteToHost',
    ],
    [
      'masks durations and sizes',
      'timeout of 10000ms after 2.5s, wrote 64KB at 41C',
      'timeout of <*> after <*>, wrote <*> at <*>',
    ],
    [
      'masks a size and its unit as one value',
      '(estimated size 5.2 KB, free 384.0 B)',
      '(estimated size <*>, free <*>)',
    ],
    [
      'masks quoted text word by word inside its quotes, also escaped quotes',
      'User "john 42" and "x", then \\042alt0\\042 and "GET /v2/a/servers HTTP/1.1"',
      'User "john <*>" and "x", then "alt0" and "GET <*> HTTP/<*>"',
    ],
    [
      'keeps a quoted value of key="two words" as one token',
      'acquire lock=233570404, tag="View Lock 7", name=com.android.systemui',
      'acquire lock=<*>, tag="View Lock <*>", name=com.android.systemui',
    ],
    [
      'masks host names by their top-level domain, not Java or Python names',
      'to api.example.com:443 via proxy.cse.example.edu.hk by java.io.IOException in nova.compute.manager',
      'to <*>:<*> via <*> by java.io.IOException in nova.compute.manager',
    ],
    [
      'turns a comma-joined list of values of one shape into one value',
      'replicas 10.0.0.1:5432,10.0.0.2:5432,10.0.0.3:5432 ids [7,8,9] and 4, then a,b',
      'replicas <*>:<*> ids [<*>] and <*>, then a,b',
    ],
    [
      'masks the value of key=value and keeps the key',
      'uid=0 euid=0 tty=ssh r24=0x0ffea4c8 user=',
      'uid=<*> euid=<*> tty=ssh r24=<*> user=',
    ],
    [
      'masks booleans and null',
      'maps.isEmpty=true config null flag=False',
      'maps.isEmpty=<*> config <*> flag=<*>',
    ],
    [
      'masks ctime timestamps as one value',
      'status=M Fri Jul 01 08:16:53 PDT 2005 done',
      'status=M <*> done',
    ],
    [
      'masks bracketed timestamps',
      '[Sun Dec 04 04:47:44 2005] [notice] Jul  1 08:16:53 x',
      '[<*>] [notice] <*> x',
    ],
    ['masks ISO timestamps', 'since 2024-05-01T10:00:00Z and 2015-10-18 18:01:47,978', 'since <*> and <*>'],
    ['masks times', 'at 08:16:53 sharp', 'at <*> sharp'],
    [
      'masks ids with digits',
      'blk_-6952295868487656571 for attempt_1445144423722_0020_m_000002_1',
      '<*> for <*>',
    ],
    [
      'masks dotted names label by label',
      'generating core.2275 in processor.........0',
      'generating core.<*> in processor.........<*>',
    ],
    [
      'masks words with two or more digits',
      'domain storage234 on bglio78 slot J16',
      'domain <*> on <*> slot <*>',
    ],
    ['masks ranges', 'nodes:node-[104-127]', 'nodes:node-[<*>-<*>]'],
    ['masks long lists of values', 'delete a1 1 2 3 4 5 6 7 8 9', 'delete a1 <*>'],
  ];
  for (const [kind, input, expected] of cases) {
    it(kind, () => assert.equal(masked(input), expected));
  }

  it('keeps constants that merely hold a digit', () => {
    for (const word of ['ssh2', 'alt0', 'L3', 'sha256', 'p99', 'Slf4jLogger', 'x+', 'BLOCK*', 'jk2_init()']) {
      assert.equal(maskToken(word), word);
    }
    assert.equal(
      maskToken('org.apache.hadoop.mapreduce.v2.app.MRClientProtocolPB'),
      'org.apache.hadoop.mapreduce.v2.app.MRClientProtocolPB',
    );
  });
});
