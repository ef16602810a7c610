// deploy/ as a user would apply it: the Helm chart passes `helm lint --strict` (Helm v4, with
// its values schema) and every object it renders decodes strictly into the Kubernetes Go types
// (tools/deploy-check), on the default values and on a production-like values file; the compose
// files load through compose-go; the chart creates every topic the apps use; the alert rules
// and the dashboard only name metrics the apps define. Tools come from scripts/deploy-tools.sh.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { parseTokens, projectPath } from '#config';
import { TOPICS } from '#contracts';
import { DEFAULT_RAW_TOPICS } from '../apps/ingest/src/ingest.settings.js';

const chart = projectPath('deploy', 'helm', 'aftershock');
const production = join(chart, 'ci', 'production-values.yaml');
const customResources = ['KafkaTopic', 'ServiceMonitor', 'PrometheusRule'];
let bin = '';

/** Runs a tool; fails the test with its output when it exits non-zero. */
function run(tool: string, args: string[], input?: string): { stdout: string; output: string } {
  const result = spawnSync(join(bin, tool), args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `${tool} ${args.join(' ')}:\n${output}`);
  return { stdout: result.stdout, output };
}

function render(valuesFiles: readonly string[]): string {
  return run('helm', ['template', 'aftershock', chart, ...valuesFiles.flatMap((f) => ['-f', f])]).stdout;
}

describe('deploy/ validates', () => {
  before(() => {
    bin = execFileSync('bash', [projectPath('scripts', 'deploy-tools.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 30 * 60_000,
    }).trim();
  });

  for (const [name, values] of [
    ['default values', []],
    ['production-like values', [production]],
  ] as const) {
    it(`Helm chart, ${name}: helm lint --strict`, () => {
      const { output } = run('helm', ['lint', '--strict', chart, ...values.flatMap((f) => ['-f', f])]);
      assert.match(output, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });

    it(`Helm chart, ${name}: every rendered object decodes strictly into the Kubernetes types`, () => {
      const { output } = run(
        'deploy-check',
        ['k8s', ...customResources.flatMap((k) => ['--allow-kind', k]), '-'],
        render(values),
      );
      assert.match(output, /objects decoded strictly \(.*5 Deployment.*\).*0 problems/);
    });
  }

  for (const [what, breakIt, expected] of [
    [
      'a misspelt field',
      (y: string) => y.replace('readinessProbe:', 'readynessProbe:'),
      /unknown field ".*readynessProbe"/,
    ],
    [
      'a wrong type',
      (y: string) => y.replace(/replicas: \d+/, 'replicas: two'),
      /cannot unmarshal string .*replicas/,
    ],
    [
      'a Service port no container declares',
      (y: string) => y.replace('targetPort: http', 'targetPort: htp'),
      /targetPort "htp" is not a container port/,
    ],
  ] as const) {
    it(`the strict decoding fails on ${what}`, () => {
      const result = spawnSync(join(bin, 'deploy-check'), ['k8s', '-'], {
        input: breakIt(render([])),
        encoding: 'utf8',
      });
      assert.notEqual(result.status, 0);
      assert.match(result.stdout, expected);
    });
  }

  it('the values schema refuses an unknown key and a malformed duration', () => {
    const result = spawnSync(
      join(bin, 'helm'),
      [
        'template',
        'x',
        chart,
        '--set',
        'apps.ingest.replica=3',
        '--set',
        'kafka.topicDefaults.retention=forever',
      ],
      { encoding: 'utf8' },
    );
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /additional properties 'replica' not allowed/);
    assert.match(result.stderr, /'forever' does not match pattern/);
  });

  it('the chart defines every topic the apps use, for clusters where apps may not create topics', () => {
    const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as {
      kafka: { topics: { list: { name: string }[] } };
    };
    const listed = new Set(values.kafka.topics.list.map((t) => t.name));
    const rawTopics = Object.keys(DEFAULT_RAW_TOPICS);
    for (const topic of [...Object.values(TOPICS), ...rawTopics])
      assert.ok(listed.has(topic), `${topic} is missing`);
  });

  for (const file of [
    ['compose', 'compose.yaml'],
    ['clickhouse', 'cluster', 'compose.yaml'],
  ]) {
    it(`compose file deploy/${file.join('/')} loads through compose-go`, () => {
      const { output } = run('deploy-check', [
        'compose',
        '--env-file',
        projectPath('deploy', 'compose', '.env.example'),
        projectPath('deploy', ...file),
      ]);
      assert.match(output, /0 problems/);
    });
  }

  it('the tokens the chart generates and compose passes on parse as named AFTERSHOCK_TOKENS', () => {
    const secret = render([])
      .split(/^---$/m)
      .map((doc) => parse(doc) as { kind?: string; stringData?: Record<string, string> } | null)
      .find((o) => o?.kind === 'Secret');
    const generated = parseTokens(secret?.stringData?.AFTERSHOCK_TOKENS);
    assert.deepEqual(
      generated.map((t) => [t.name, [...t.scopes].sort()]),
      [
        ['ingest', ['ingest']],
        ['ui', ['read', 'write']],
      ],
    );
    const env = Object.fromEntries(
      readFileSync(projectPath('deploy', 'compose', '.env.example'), 'utf8')
        .split('\n')
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    const compose = parse(readFileSync(projectPath('deploy', 'compose', 'compose.yaml'), 'utf8')) as {
      'x-aftershock': { environment: Record<string, string> };
    };
    const tokens = compose['x-aftershock'].environment.AFTERSHOCK_TOKENS!.replace(
      /\$\{(\w+):\?[^}]*\}/g,
      (_, name: string) => env[name] ?? '',
    );
    assert.deepEqual(
      parseTokens(tokens).map((t) => t.name),
      ['ingest', 'ui'],
    );
  });

  it('alert rules and the dashboard name only metrics the apps define', () => {
    const { defined, labels } = definedNames();
    assert.ok(
      defined.has('aftershock_messaging_consumer_lag') && defined.has('http_server_request_duration_bucket'),
    );
    const rules = readFileSync(projectPath('deploy', 'prometheus', 'aftershock-rules.yaml'), 'utf8');
    const dashboard = readFileSync(projectPath('deploy', 'grafana', 'aftershock-dashboard.json'), 'utf8');
    const used = new Set(
      [
        ...`${rules}\n${dashboard}`.matchAll(/\b((?:aftershock|messaging|db_client|http_server)_[a-z_]+)\b/g),
      ].map((m) => m[1]!),
    );
    assert.ok(used.size >= 10, `names used: ${[...used].join(', ')}`);
    for (const name of used) {
      if (!labels.has(name)) assert.ok(defined.has(name), `${name} is not a metric the apps define`);
    }
  });
});

/**
 * Prometheus names of every instrument created in apps/ and libs/ (as the exporter writes them),
 * and of every dotted attribute key written there (labels, which the rules name too).
 */
function definedNames(): { defined: Set<string>; labels: Set<string> } {
  const names = new Set<string>();
  const labels = new Set<string>();
  const suffixes: Record<string, string[]> = {
    Counter: ['_total'],
    UpDownCounter: [''],
    Histogram: ['_bucket', '_count', '_sum'],
    Gauge: [''],
    ObservableGauge: [''],
  };
  for (const file of sourceFiles([projectPath('apps'), projectPath('libs')])) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/meter\.create(\w+)\(\s*'([\w.]+)'/g)) {
      for (const suffix of suffixes[m[1]!] ?? []) names.add(m[2]!.replaceAll('.', '_') + suffix);
    }
    for (const m of text.matchAll(/'([a-z]+(?:\.[a-z_]+)+)':/g)) labels.add(m[1]!.replaceAll('.', '_'));
  }
  return { defined: names, labels };
}

function sourceFiles(dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles([path]);
      return path.endsWith('.ts') && !path.endsWith('spec.ts') ? [path] : [];
    }),
  );
}
