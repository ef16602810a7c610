// OpenSLO v1 at two levels: the OpenSLO repository's own examples are valid (and, querying
// Prometheus, Datadog or "Any", refused as not computable with the field named); variants
// broken on purpose are refused as invalid, naming the field and the line.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { projectPath } from '#config';
import { validateOpenSlo, validateSloDocument, type FileVerdict } from './validate.js';

const fixtures = projectPath('libs', 'core', 'src', 'slo', 'fixtures');
const read = (dir: string) =>
  readdirSync(`${fixtures}/${dir}`).map((file) => ({
    file,
    text: readFileSync(`${fixtures}/${dir}/${file}`, 'utf8'),
  }));
const upstream = read('openslo');
const checkout = read('aftershock')[0]!;

function one(text: string, file = 'x.yaml'): FileVerdict {
  return validateOpenSlo([{ file, text }]).files[0]!;
}

/** The fixture with one piece of text replaced (which must be there). */
function variant(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture holds ${from}`);
  return text.replace(from, to);
}

function refusedAt(v: FileVerdict, level: 'openslo' | 'aftershock', field: string, message?: RegExp) {
  const p = v.problems.find((q) => q.field === field);
  assert.ok(p, `no problem at ${field}: ${JSON.stringify(v.problems)}`);
  assert.equal(p.level, level);
  if (message) assert.match(p.message, message);
  assert.equal(v.valid, level !== 'openslo');
  assert.equal(v.computable, false);
  return p;
}

describe('OpenSLO v1: the specification repository’s examples', () => {
  const verdict = validateOpenSlo(upstream);
  it('are all valid OpenSLO v1', () => {
    for (const f of verdict.files) {
      assert.ok(f.objects > 0, f.file);
      assert.deepEqual(
        f.problems.filter((p) => p.level === 'openslo'),
        [],
        f.file,
      );
    }
  });

  it('are refused as not computable where they query another system, naming the field', () => {
    const byFile = new Map(verdict.files.map((f) => [f.file, f]));
    assert.equal(byFile.get('services.yaml')!.computable, true);
    refusedAt(
      byFile.get('slos.yaml')!,
      'aftershock',
      'spec.indicator.spec.ratioMetric.good.metricSource.type',
      /"Prometheus" cannot be queried/,
    );
    refusedAt(
      byFile.get('occurrences-slo.yaml')!,
      'aftershock',
      'spec.indicator.spec.thresholdMetric.metricSource.type',
      /"Any"/,
    );
    refusedAt(byFile.get('slis.yaml')!, 'aftershock', 'spec.ratioMetric.raw', /precomputed ratios/);
    refusedAt(
      byFile.get('slis.yaml')!,
      'aftershock',
      'spec.ratioMetric.good.metricSource.metricSourceRef',
      /DataSource "my-datadog"/,
    );
    refusedAt(byFile.get('alert-conditions.yaml')!, 'aftershock', 'spec.condition.op', /"lte"/);
    // The policy referring to it is refused on the reference, naming the condition's field.
    const ref = refusedAt(
      byFile.get('alert-policies.yaml')!,
      'aftershock',
      'spec.conditions[0].conditionRef',
    );
    assert.match(ref.message, /AlertCondition "cpu-usage-breach": condition\.op/);
  });

  it('refuses a broken variant of each, naming the field and its line', () => {
    const text = (name: string) => upstream.find((f) => f.file === name)!.text;
    const cases: [string, string, string, string, RegExp][] = [
      ['occurrences-slo.yaml', 'target: 0.99', 'target: 1.5', 'spec.objectives[0].target', /less than 1/],
      [
        'occurrences-slo.yaml',
        'budgetingMethod: Occurrences',
        'budgetingMethod: Ocurrences',
        'spec.budgetingMethod',
        /"Ocurrences" is not one of Occurrences, Timeslices, RatioTimeslices/,
      ],
      [
        'occurrences-slo.yaml',
        'duration: 2w',
        'duration: 2weeks',
        'spec.timeWindow[0].duration',
        /not a duration shorthand/,
      ],
      ['occurrences-slo.yaml', 'op: lt', 'op: less', 'spec.objectives[0].op', /not one of lte, gte, lt, gt/],
      ['occurrences-slo.yaml', '  service: web-shop\n', '', 'spec.service', /is required/],
      [
        'occurrences-slo.yaml',
        'value: 500',
        'value: 500\n      targetPercent: 99',
        'spec.objectives[0].target',
        /cannot be given with targetPercent/,
      ],
      [
        'occurrences-slo.yaml',
        '      op: lt\n',
        '',
        'spec.objectives[0].op',
        /required with a thresholdMetric/,
      ],
      [
        'ratio-timeslices.yaml',
        'timeSliceWindow: 1m',
        'timeSliceWindw: 1m',
        'spec.objectives[0].timeSliceWindw',
        /not a field of OpenSLO v1/,
      ],
      [
        'timeslices-slo.yaml',
        'timeZone: America/New_York',
        'timeZone: America/Gotham',
        'spec.timeWindow[0].calendar.timeZone',
        /not an IANA time zone/,
      ],
      [
        'timeslices-slo.yaml',
        'isRolling: false',
        'isRolling: true',
        'spec.timeWindow[0].calendar',
        /rolling window .* takes no calendar/,
      ],
      [
        'timeslices-slo.yaml',
        'timeSliceTarget: 0.99\n      timeSliceWindow: 1m #',
        'timeSliceWindow: 1m #',
        'spec.objectives[0].timeSliceTarget',
        /required with budgetingMethod Timeslices/,
      ],
      [
        'slos.yaml',
        'apiVersion: openslo/v1',
        'apiVersion: openslo/v1alpha',
        'apiVersion',
        /"openslo\/v1alpha" is not openslo\/v1/,
      ],
      ['slos.yaml', 'name: web-availability', 'name: Web_Availability', 'metadata.name', /not a valid name/],
      ['slis.yaml', '      rawType: success\n', '', 'spec.ratioMetric.rawType', /required with raw/],
      [
        'alert-policies.yaml',
        'lookbackWindow: 1h',
        'lookbackWindow: an hour',
        'spec.conditions[0].spec.condition.lookbackWindow',
        /duration shorthand/,
      ],
      ['alert-conditions.yaml', 'severity: page', 'severty: page', 'spec.severity', /is required/],
      ['services.yaml', 'description: Example', 'summary: Example', 'spec.summary', /not a field/],
    ];
    for (const [file, from, to, field, message] of cases) {
      const broken = variant(text(file), from, to);
      const p = refusedAt(one(broken, file), 'openslo', field, message);
      assert.ok(p.line !== undefined && p.line > 2, `${field} has a line`);
      // The line named is the field's own, or (for a field left out) its object's.
      const key = /([A-Za-z]+)(\[\d+\])?$/.exec(field)![1]!;
      const shown = broken.split('\n')[p.line - 1]!;
      if (!/is required/.test(p.message))
        assert.ok(shown.includes(key), `${file} ${field}: line ${p.line} is "${shown}"`);
    }
  });

  it('reports YAML syntax errors with their line', () => {
    const v = one('apiVersion: openslo/v1\nkind: [SLO\n');
    assert.equal(v.valid, false);
    assert.equal(v.problems[0]!.field, '(syntax)');
    assert.ok(v.problems[0]!.line);
  });
});

describe('OpenSLO v1: definitions Aftershock computes', () => {
  it('reads a multi-document file into SLO definitions, references resolved', () => {
    const v = validateOpenSlo([checkout]);
    assert.deepEqual(v.files[0]!.problems, []);
    assert.equal(v.files[0]!.computable, true);
    const [availability, latency] = v.slos;
    assert.equal(availability!.indicator.kind, 'ratio');
    assert.deepEqual(availability!.indicator.kind === 'ratio' && availability!.indicator.events, {
      service: 'checkout',
      environment: 'production',
      metric: 'http_requests',
      labels: { code: '5xx' },
    });
    assert.deepEqual(
      availability!.alerting.map((t) => [
        t.name,
        t.severity,
        t.threshold,
        t.longMs / 60_000,
        t.shortMs / 60_000,
        t.targets,
      ]),
      [
        ['fast-burn', 'page', 14.4, 60, 5, ['checkout-on-call']],
        ['slow-burn', 'ticket', 1, 4320, 360, ['checkout-queue']],
      ],
    );
    assert.deepEqual(latency!.objectives, [
      { name: 'Fast enough', target: 0.99, sliceMs: 3_600_000, sliceTarget: 0.95, sliceOp: 'gte' },
    ]);
    assert.deepEqual(
      latency!.indicator.kind === 'threshold' && [latency!.indicator.op, latency!.indicator.value],
      ['lte', 300],
    );
    assert.equal(latency!.alerting.length, 4, 'no policy: the workbook tiers');
  });

  it('resolves references across files, and names the one that is missing', () => {
    const cut = checkout.text.indexOf('---\napiVersion: openslo/v1\nkind: SLO\n');
    const [sli, rest] = [checkout.text.slice(0, cut), checkout.text.slice(cut + 4)];
    const split = [
      { file: 'sli.yaml', text: sli },
      { file: 'slo.yaml', text: rest },
    ];
    assert.ok(validateOpenSlo(split).files.every((f) => f.computable));
    const alone = validateOpenSlo([split[1]!]).files[0]!;
    refusedAt(alone, 'aftershock', 'spec.indicatorRef', /no SLI named "checkout-availability"/);
  });

  it('refuses what it cannot compute rather than ignoring it', () => {
    const cases: [string, string, string, RegExp][] = [
      [
        'metric: http_request_duration_ms',
        'metric: http_request_duration_ms\n            query: p99',
        'spec.indicator.spec.thresholdMetric.metricSource.spec.query',
        /not a field/,
      ],
      ['timeSliceWindow: 1h', 'timeSliceWindow: 1M', 'spec.objectives[0].timeSliceWindow', /fixed length/],
      [
        '    - displayName: Available\n      target: 0.999',
        '    - displayName: Available\n      target: 0.999\n      timeSliceTarget: 0.9',
        'spec.objectives[0].timeSliceTarget',
        /applies to budgetingMethod Timeslices, not Occurrences/,
      ],
      [
        '    - displayName: Available\n      target: 0.999',
        '    - displayName: Available\n      target: 0.999\n      value: 3',
        'spec.objectives[0].value',
        /applies to a thresholdMetric/,
      ],
      [
        '    - alertPolicyRef: slow-burn',
        '    - alertPolicyRef: slower-burn',
        'spec.alertPolicies[1].alertPolicyRef',
        /no AlertPolicy named "slower-burn"/,
      ],
      ['    - duration: 28d\n      isRolling: true\n', '', 'spec.timeWindow', /required to compute a budget/],
      [
        'threshold: 14.4',
        'threshold: 0',
        'spec.conditions[0].conditionRef',
        /threshold: must be a burn rate above 0/,
      ],
      [
        'lookbackWindow: 3d\n          alertAfter: 6h',
        'lookbackWindow: 3h\n          alertAfter: 6h',
        'spec.conditions[0].spec.condition.alertAfter',
        /cannot be longer/,
      ],
    ];
    for (const [from, to, field, message] of cases)
      refusedAt(one(variant(checkout.text, from, to), 'checkout.yaml'), 'aftershock', field, message);
  });

  it('refuses a DataSource and a duplicate name', () => {
    const ds =
      'apiVersion: openslo/v1\nkind: DataSource\nmetadata:\n  name: prom\nspec:\n  type: Prometheus\n';
    refusedAt(one(ds), 'aftershock', 'kind', /not used/);
    const twice = validateOpenSlo([checkout, { ...checkout, file: 'copy.yaml' }]);
    assert.equal(twice.files[0]!.computable, true);
    refusedAt(
      twice.files[1]!,
      'aftershock',
      'metadata.name',
      /another Service is named so \(checkout\.yaml:\d+\)/,
    );
  });
});

describe('OpenSLO v1: one SLO written on its own (through the api)', () => {
  it('takes the documents of the named SLO with what it references, and nothing else', () => {
    // The fixture's SLI, Service and alert policies with one of its two SLOs.
    const docs = checkout.text.split(/^---$/m);
    const latency = docs.findIndex((d) => /name: checkout-latency/.test(d) && /kind: SLO/.test(d));
    const withoutLatency = docs.filter((_, i) => i !== latency).join('---');
    const verdict = validateSloDocument('checkout-availability', withoutLatency, 'api');
    assert.equal(verdict.problem, undefined, JSON.stringify(verdict.problem));
    assert.equal(verdict.slo?.name, 'checkout-availability');
    assert.equal(verdict.slo?.file, 'api');
    assert.ok(verdict.slo!.alerting.length >= 2, 'its alert policies resolved from the same documents');
  });

  it('refuses a second SLO in the same write, a different name, a dangling reference, or nothing', () => {
    const both = validateSloDocument('checkout-availability', checkout.text, 'api');
    assert.equal(both.problem?.field, 'metadata.name');
    assert.match(both.problem!.message, /"checkout-latency": one SLO per name/);
    const renamed = validateSloDocument('payments', checkout.text.replace(/checkout-latency/g, 'x'), 'api');
    assert.match(renamed.problem!.message, /written as "payments"/);
    const dangling = validateSloDocument(
      'checkout-availability',
      checkout.text.split(/^---$/m).filter((d) => /kind: SLO/.test(d) && /checkout-availability/.test(d))[0]!,
      'api',
    );
    assert.equal(dangling.problem?.field, 'spec.indicatorRef', JSON.stringify(dangling.problem));
    const empty = validateSloDocument('checkout-availability', '', 'api');
    assert.ok(empty.problem);
  });
});
