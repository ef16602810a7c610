// The structure of OpenSLO v1 objects as TypeBox schemas: one declaration gives the validator
// and the TypeScript types. Objects are closed (`additionalProperties: false`), so a misspelt
// or unknown field is refused by path rather than silently dropped. Rules that span fields
// (one of `target`/`targetPercent`, `good` xor `bad`…) are in openslo-rules.ts; where an item
// may be inline or a reference, parse-openslo.ts picks the schema so errors name the field.
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));

// Durations: `0m` is allowed by the grammar (an `alertAfter` of none); lengths are checked later.
const DurationText = Type.String({ pattern: '^(0|[1-9][0-9]*)[mhdwMQY]$' });
const Description = Type.String({ maxLength: 1050 });

// RFC 1123 labels, extended as the spec encourages (up to 255 characters, `.|/\` inside).
export const NAME_PATTERN = '^[a-z0-9]([a-z0-9.|/\\\\-]{0,253}[a-z0-9])?$';

export const Metadata = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    displayName: Type.Optional(Type.String()),
    labels: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Array(Type.String())]))),
    annotations: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  closed,
);

export const OPERATORS = ['lte', 'gte', 'lt', 'gt'] as const;
export type Operator = (typeof OPERATORS)[number];
export const BUDGETING_METHODS = ['Occurrences', 'Timeslices', 'RatioTimeslices'] as const;
export type BudgetingMethod = (typeof BUDGETING_METHODS)[number];

export const MetricSource = Type.Object(
  {
    metricSourceRef: Type.Optional(Type.String({ minLength: 1 })),
    type: Type.Optional(Type.String({ minLength: 1 })),
    // Free-form per source type: anything YAML can hold.
    spec: Type.Optional(Type.Unknown()),
  },
  closed,
);

const Metric = Type.Object({ metricSource: MetricSource }, closed);

export const RatioMetric = Type.Object(
  {
    counter: Type.Optional(Type.Boolean()),
    good: Type.Optional(Metric),
    bad: Type.Optional(Metric),
    total: Type.Optional(Metric),
    rawType: Type.Optional(oneOf(['success', 'failure'])),
    raw: Type.Optional(Metric),
  },
  closed,
);

export const SliSpec = Type.Object(
  {
    description: Type.Optional(Description),
    thresholdMetric: Type.Optional(Metric),
    ratioMetric: Type.Optional(RatioMetric),
  },
  closed,
);

export const Calendar = Type.Object(
  {
    // Wall time in `timeZone`, without an offset: `2022-01-01 12:00:00`.
    startTime: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}[ T]\\d{2}:\\d{2}:\\d{2}$' }),
    timeZone: Type.String({ minLength: 1 }),
  },
  closed,
);

export const TimeWindow = Type.Object(
  {
    duration: DurationText,
    isRolling: Type.Optional(Type.Boolean()),
    calendar: Type.Optional(Calendar),
  },
  closed,
);

export const Objective = Type.Object(
  {
    displayName: Type.Optional(Type.String()),
    op: Type.Optional(oneOf(OPERATORS)),
    value: Type.Optional(Type.Number()),
    target: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
    targetPercent: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 100 })),
    timeSliceTarget: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    // A bare number is minutes.
    timeSliceWindow: Type.Optional(Type.Union([Type.Number({ exclusiveMinimum: 0 }), DurationText])),
  },
  closed,
);

export const SloSpec = Type.Object(
  {
    description: Type.Optional(Description),
    service: Type.String({ minLength: 1 }),
    indicator: Type.Optional(Type.Object({ metadata: Metadata, spec: SliSpec }, closed)),
    indicatorRef: Type.Optional(Type.String({ minLength: 1 })),
    timeWindow: Type.Optional(Type.Array(TimeWindow, { minItems: 1, maxItems: 1 })),
    budgetingMethod: oneOf(BUDGETING_METHODS),
    objectives: Type.Array(Objective, { minItems: 1 }),
    // Items are inline AlertPolicy objects or `{alertPolicyRef}`: checked one by one.
    alertPolicies: Type.Optional(Type.Array(Type.Unknown())),
  },
  closed,
);

export const ConditionSpec = Type.Object(
  {
    description: Type.Optional(Description),
    severity: Type.String({ minLength: 1 }),
    condition: Type.Object(
      {
        kind: Type.Optional(oneOf(['burnrate'])),
        op: Type.Optional(oneOf(OPERATORS)),
        threshold: Type.Number(),
        lookbackWindow: DurationText,
        alertAfter: Type.Optional(DurationText),
      },
      closed,
    ),
  },
  closed,
);

export const NotificationTargetSpec = Type.Object(
  { description: Type.Optional(Description), target: Type.String({ minLength: 1 }) },
  closed,
);

export const AlertPolicySpec = Type.Object(
  {
    description: Type.Optional(Description),
    alertWhenNoData: Type.Optional(Type.Boolean()),
    alertWhenResolved: Type.Optional(Type.Boolean()),
    alertWhenBreaching: Type.Optional(Type.Boolean()),
    // One condition at most (the spec keeps the list for later versions); inline or by ref.
    conditions: Type.Array(Type.Unknown(), { minItems: 1, maxItems: 1 }),
    notificationTargets: Type.Array(Type.Unknown()),
  },
  closed,
);

export const ServiceSpec = Type.Object({ description: Type.Optional(Description) }, closed);

export const DataSourceSpec = Type.Object(
  {
    description: Type.Optional(Description),
    type: Type.String({ minLength: 1 }),
    connectionDetails: Type.Optional(Type.Unknown()),
  },
  closed,
);

/** Each kind's spec schema; `Service` may leave `spec` out. */
export const SPEC_SCHEMAS = {
  SLO: SloSpec,
  SLI: SliSpec,
  Service: ServiceSpec,
  AlertPolicy: AlertPolicySpec,
  AlertCondition: ConditionSpec,
  AlertNotificationTarget: NotificationTargetSpec,
  DataSource: DataSourceSpec,
} as const satisfies Record<string, TSchema>;

export type Kind = keyof typeof SPEC_SCHEMAS;
export const KINDS = Object.keys(SPEC_SCHEMAS) as Kind[];

export const Envelope = Type.Object(
  {
    apiVersion: Type.Literal('openslo/v1'),
    kind: oneOf(KINDS),
    metadata: Metadata,
    spec: Type.Optional(Type.Unknown()),
  },
  closed,
);

export const ConditionRef = Type.Object({ conditionRef: Type.String({ minLength: 1 }) }, closed);
export const TargetRef = Type.Object({ targetRef: Type.String({ minLength: 1 }) }, closed);
export const AlertPolicyRef = Type.Object({ alertPolicyRef: Type.String({ minLength: 1 }) }, closed);

/** An object inlined in another (an SLO's alert policy, a policy's condition): kind, metadata, spec. */
export const inlineObject = (kind: Kind) =>
  Type.Object({ kind: Type.Literal(kind), metadata: Metadata, spec: SPEC_SCHEMAS[kind] }, closed);

export type ObjectMetadata = Static<typeof Metadata>;
export type MetricSourceSpec = Static<typeof MetricSource>;
export type RatioMetricSpec = Static<typeof RatioMetric>;
export type SliSpecValue = Static<typeof SliSpec>;
export type TimeWindowSpec = Static<typeof TimeWindow>;
export type ObjectiveSpec = Static<typeof Objective>;
export type SloSpecValue = Static<typeof SloSpec>;
export type ConditionSpecValue = Static<typeof ConditionSpec>;
export type AlertPolicySpecValue = Static<typeof AlertPolicySpec>;
