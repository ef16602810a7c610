// Charts as inline SVG, drawn from data: a line chart with shaded time ranges and change markers
// on the time axis, a bar chart, and small inline bars. Time axes are in the zone the person
// chose (UTC unless they chose local time). The incident page's charts are time-charts.js (uPlot).
import { s } from './dom.js';
import {
  clockIn,
  dayMonthIn,
  DAY,
  HOUR,
  MINUTE,
  SECOND,
  stamp,
  withUnit,
  WEEK,
  zoneName,
  zoneOffset,
} from './format.js';

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

const TIME_STEPS = [
  10 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  WEEK,
  4 * WEEK,
];

/** Ticks at round times of the chosen zone: [{ t, label }]. */
export function timeTicks(from, to, maxTicks = 7) {
  const span = Math.max(1, to - from);
  const step = TIME_STEPS.find((st) => span / st <= maxTicks) ?? Math.ceil(span / maxTicks / DAY) * DAY;
  const offset = zoneOffset(from);
  const ticks = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) {
    const midnight = (t + offset) % DAY === 0;
    const label =
      step >= DAY || (midnight && span > DAY / 2) ? dayMonthIn(t) : clockIn(t, { seconds: step < MINUTE });
    ticks.push({ t, label });
  }
  return ticks;
}

/** Round value ticks covering [min, max]. */
export function valueTicks(min, max, count = 4) {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((st) => st >= raw) ?? 10 * mag;
  const ticks = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  if (ticks.at(-1) < max) ticks.push(Number((ticks.at(-1) + step).toPrecision(12)));
  return ticks;
}

function scale(d0, d1, r0, r1) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/**
 * A time-series line chart.
 * options: { title, points: [[ms, value]], unit, metric, ranges: [{ from, to, kind, label }],
 *   markers: [{ at, label, title, kind }], domain: [from, to], width, height }
 * kind of a range: 'baseline' | 'observation' | 'incident' (CSS classes range-<kind>); a range may
 * carry its own `title` (else "<label> window: from – to"), `labelled: false` to leave out its label
 * above the plot (many ranges), and `minWidth` in px so a short one stays visible on a long axis.
 * kind of a marker: 'change' | 'suspect' | 'incident' (CSS classes marker-<kind>).
 */
export function lineChart(options) {
  const { title = '', unit = null, metric = '', width = 640, height = 230 } = options;
  const points = (options.points ?? [])
    .filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
    .sort((a, b) => a[0] - b[0]);
  const ranges = (options.ranges ?? []).filter((r) => Number.isFinite(r.from) && Number.isFinite(r.to));
  const m = { left: 60, right: 14, top: 22, bottom: 40 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;

  let [from, to] = options.domain ?? [
    Math.min(...points.map((p) => p[0]), ...ranges.map((r) => r.from)),
    Math.max(...points.map((p) => p[0]), ...ranges.map((r) => r.to)),
  ];
  if (!Number.isFinite(from) || !Number.isFinite(to)) [from, to] = [0, 1];
  if (to <= from) to = from + MINUTE;
  const markers = (options.markers ?? []).filter((mk) => mk.at >= from && mk.at <= to);

  const values = points.map((p) => p[1]);
  const vMin = Math.min(0, ...values);
  const vMax = values.length ? Math.max(...values) : 1;
  const yTicks = valueTicks(vMin, vMax === vMin ? vMin + 1 : vMax, 4);
  const y = scale(yTicks[0], yTicks.at(-1), m.top + plotH, m.top);
  const x = scale(from, to, m.left, m.left + plotW);

  const titleId = nextId('chart-title');
  const descId = nextId('chart-desc');
  const fmt = (v) => withUnit(v, unit, metric);
  const describe = [
    `Line chart of ${title || metric} from ${stamp(from, { seconds: false })} to ${stamp(to, { seconds: false })}`,
    values.length ? `, between ${fmt(Math.min(...values))} and ${fmt(Math.max(...values))}.` : ', no data.',
    ...ranges.map((r) =>
      r.title
        ? ` Shaded: ${r.title}.`
        : ` ${r.label ?? r.kind} window ${clockIn(r.from)}–${clockIn(r.to)} ${zoneName(r.from)} shaded.`,
    ),
    markers.length
      ? ` ${markers.length} marked on the time axis: ${markers.map((mk) => mk.label).join(', ')}.`
      : '',
  ].join('');

  const svg = s(
    'svg',
    {
      class: 'chart line-chart',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
      preserveAspectRatio: 'xMidYMid meet',
    },
    s('title', { id: titleId }, title || metric),
    s('desc', { id: descId }, describe),
  );

  // Shaded windows, under everything else.
  for (const r of ranges) {
    let x0 = Math.max(m.left, x(r.from));
    let x1 = Math.min(m.left + plotW, x(r.to));
    if (x1 <= x0 && !(r.minWidth && r.to >= from && r.from <= to)) continue;
    if (r.minWidth && x1 - x0 < r.minWidth) {
      const mid = Math.min(m.left + plotW - r.minWidth / 2, Math.max(m.left + r.minWidth / 2, (x0 + x1) / 2));
      [x0, x1] = [mid - r.minWidth / 2, mid + r.minWidth / 2];
    }
    svg.append(
      s(
        'rect',
        {
          class: `range range-${r.kind}`,
          x: x0,
          y: m.top,
          width: x1 - x0,
          height: plotH,
          dataset: { from: r.from, to: r.to },
        },
        s('title', {}, r.title ?? `${r.label ?? r.kind} window: ${stamp(r.from)} – ${stamp(r.to)}`),
      ),
      r.labelled === false
        ? null
        : s(
            'text',
            { class: `range-label range-label-${r.kind}`, x: x0 + 4, y: m.top - 6 },
            r.label ?? r.kind,
          ),
    );
  }

  // Value grid and labels.
  for (const v of yTicks) {
    svg.append(
      s('line', { class: 'grid', x1: m.left, x2: m.left + plotW, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick tick-y', x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)),
    );
  }
  // Time axis.
  svg.append(
    s('line', { class: 'axis', x1: m.left, x2: m.left + plotW, y1: m.top + plotH, y2: m.top + plotH }),
  );
  for (const tick of timeTicks(from, to, Math.max(3, Math.floor(plotW / 90)))) {
    svg.append(
      s('line', {
        class: 'tick-mark',
        x1: x(tick.t),
        x2: x(tick.t),
        y1: m.top + plotH,
        y2: m.top + plotH + 4,
      }),
      s(
        'text',
        { class: 'tick tick-x', x: x(tick.t), y: m.top + plotH + 28, 'text-anchor': 'middle' },
        tick.label,
      ),
    );
  }
  svg.append(
    s(
      'text',
      { class: 'axis-caption', x: m.left + plotW, y: height - 2, 'text-anchor': 'end' },
      zoneName(from),
    ),
  );

  // The series, broken where data is missing.
  if (points.length) {
    const gaps = points.slice(1).map((p, i) => p[0] - points[i][0]);
    const typical = gaps.length ? [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] : 0;
    let d = '';
    points.forEach((p, i) => {
      const jump = i === 0 || (typical > 0 && p[0] - points[i - 1][0] > typical * 3);
      d += `${jump ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`;
    });
    svg.append(s('path', { class: 'series', d }));
    if (points.length === 1)
      svg.append(s('circle', { class: 'series-dot', cx: x(points[0][0]), cy: y(points[0][1]), r: 3 }));
  } else {
    svg.append(
      s(
        'text',
        { class: 'no-data', x: m.left + plotW / 2, y: m.top + plotH / 2, 'text-anchor': 'middle' },
        'no data',
      ),
    );
  }

  // Markers: a line through the plot and a glyph on the time axis, with the details as a title.
  for (const mk of markers) {
    const mx = x(mk.at);
    const kind = mk.kind ?? 'change';
    const axisY = m.top + plotH;
    svg.append(
      s(
        'g',
        {
          class: `marker marker-${kind}${kind === 'incident' ? '' : ' change-marker'}`,
          tabindex: '0',
          role: 'img',
          'aria-label': mk.title ?? mk.label,
          dataset: { at: mk.at },
        },
        s('title', {}, mk.title ?? mk.label),
        s('line', { class: 'marker-line', x1: mx, x2: mx, y1: m.top, y2: axisY }),
        kind === 'incident'
          ? s('circle', { class: 'marker-glyph', cx: mx, cy: axisY, r: 4.5 })
          : s('path', { class: 'marker-glyph', d: `M${mx},${axisY - 1} l6,11 h-12 z` }),
        s('rect', { class: 'marker-hit', x: mx - 7, y: m.top, width: 14, height: plotH + 14 }),
      ),
    );
  }

  // Hover read-out of the nearest point.
  if (points.length > 1) {
    const hover = s('g', { class: 'hover', visibility: 'hidden', 'aria-hidden': 'true' });
    const dot = s('circle', { r: 3.5, class: 'hover-dot' });
    const guide = s('line', { class: 'hover-line', y1: m.top, y2: m.top + plotH });
    const label = s('text', { class: 'hover-label', y: m.top + 12 });
    hover.append(guide, dot, label);
    const overlay = s('rect', {
      class: 'overlay',
      x: m.left,
      y: m.top,
      width: plotW,
      height: plotH,
      fill: 'transparent',
    });
    overlay.addEventListener('pointermove', (event) => {
      const box = svg.getBoundingClientRect();
      const sx = ((event.clientX - box.left) / box.width) * width;
      const t = from + ((sx - m.left) / plotW) * (to - from);
      const p = nearest(points, t);
      const px = x(p[0]);
      guide.setAttribute('x1', px);
      guide.setAttribute('x2', px);
      dot.setAttribute('cx', px);
      dot.setAttribute('cy', y(p[1]));
      label.textContent = `${clockIn(p[0], { seconds: true })} ${zoneName(p[0])} · ${fmt(p[1])}`;
      const right = px > m.left + plotW * 0.6;
      label.setAttribute('x', right ? px - 6 : px + 6);
      label.setAttribute('text-anchor', right ? 'end' : 'start');
      hover.setAttribute('visibility', 'visible');
    });
    overlay.addEventListener('pointerleave', () => hover.setAttribute('visibility', 'hidden'));
    // The overlay sits below the markers so their titles still show.
    const firstMarker = svg.querySelector('.marker');
    svg.insertBefore(overlay, firstMarker);
    svg.insertBefore(hover, firstMarker);
  }
  return svg;
}

function nearest(points, t) {
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid][0] < t) lo = mid;
    else hi = mid;
  }
  return Math.abs(points[lo][0] - t) <= Math.abs(points[hi][0] - t) ? points[lo] : points[hi];
}

/**
 * A vertical bar chart. options: { title, bars: [{ label, value, title }], unit, width, height }.
 */
export function barChart(options) {
  const { title = '', unit = null, width = 640, height = 200 } = options;
  const bars = options.bars ?? [];
  const m = { left: 44, right: 10, top: 18, bottom: 34 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const yTicks = valueTicks(0, max, 3).filter((v) => Number.isInteger(v) || unit);
  const top = yTicks.at(-1) ?? max;
  const y = scale(0, top, m.top + plotH, m.top);
  const slot = plotW / Math.max(1, bars.length);
  const barW = Math.max(2, Math.min(48, slot * 0.7));
  const fmt = (v) => withUnit(v, unit);
  const svg = chartSvg(
    'bar-chart',
    width,
    height,
    title,
    `Bar chart: ${bars.map((b) => `${b.label} ${fmt(b.value)}`).join('; ')}.`,
  );
  for (const v of yTicks) {
    svg.append(
      s('line', { class: 'grid', x1: m.left, x2: m.left + plotW, y1: y(v), y2: y(v) }),
      s('text', { class: 'tick tick-y', x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)),
    );
  }
  const labelEvery = Math.ceil(bars.length / Math.max(1, Math.floor(plotW / 46)));
  bars.forEach((b, i) => {
    const cx = m.left + slot * i + slot / 2;
    const by = y(b.value);
    svg.append(
      s(
        'g',
        { class: 'bar-group' },
        s('title', {}, b.title ?? `${b.label}: ${fmt(b.value)}`),
        s('rect', {
          class: `bar${b.kind ? ` bar-${b.kind}` : ''}`,
          x: cx - barW / 2,
          y: by,
          width: barW,
          height: Math.max(0, m.top + plotH - by),
          rx: 2,
        }),
        b.value > 0 && barW >= 14
          ? s('text', { class: 'bar-value', x: cx, y: by - 4, 'text-anchor': 'middle' }, fmt(b.value))
          : null,
        i % labelEvery === 0
          ? s(
              'text',
              { class: 'tick tick-x', x: cx, y: m.top + plotH + 16, 'text-anchor': 'middle' },
              b.label,
            )
          : null,
      ),
    );
  });
  svg.append(
    s('line', { class: 'axis', x1: m.left, x2: m.left + plotW, y1: m.top + plotH, y2: m.top + plotH }),
  );
  return svg;
}

/** An accessible chart canvas: an svg with its title and a description read out instead. */
function chartSvg(kind, width, height, title, description) {
  const titleId = nextId(`${kind}-title`);
  const descId = nextId(`${kind}-desc`);
  return s(
    'svg',
    {
      class: `chart ${kind}`,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-labelledby': `${titleId} ${descId}`,
    },
    s('title', { id: titleId }, title),
    s('desc', { id: descId }, description),
  );
}

/** A small horizontal bar for a table cell: value out of max, with an accessible label. */
export function miniBar(value, max, { label, kind = 'default', width = 90, height = 10 } = {}) {
  const share = max > 0 && Number.isFinite(value) ? Math.max(0, Math.min(1, value / max)) : 0;
  return s(
    'svg',
    {
      class: `mini-bar mini-bar-${kind}`,
      viewBox: `0 0 ${width} ${height}`,
      width,
      height,
      role: 'img',
      'aria-label': label ?? `${Math.round(share * 100)}%`,
    },
    s('rect', { class: 'mini-bar-track', x: 0, y: 0, width, height, rx: height / 2 }),
    s('rect', {
      class: 'mini-bar-fill',
      x: 0,
      y: 0,
      width: Math.max(share > 0 ? 2 : 0, share * width),
      height,
      rx: height / 2,
    }),
  );
}

/**
 * The gate's trade-off: for "approve without review below risk r", the share of changes skipping
 * review (x) against the share of failing changes slipping through (y), one point per r, joined
 * in order of r. The dashed diagonal is a gate that knows nothing (skipping a share of changes
 * at random lets the same share of failures through); `goal` marks a target point.
 * options: { title, points: [{ skipShare, slipShare, threshold }], goal: { skipShare, slipShare, label } }
 */
export function tradeOffChart(options) {
  const { title = '', width = 420, height = 300 } = options;
  const points = (options.points ?? []).filter(
    (p) => Number.isFinite(p.skipShare) && Number.isFinite(p.slipShare),
  );
  const m = { left: 52, right: 16, top: 16, bottom: 44 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const x = scale(0, 1, m.left, m.left + plotW);
  const y = scale(0, 1, m.top + plotH, m.top);
  const pct = (v) => `${Math.round(v * 100)}%`;
  const svg = chartSvg(
    'tradeoff-chart',
    width,
    height,
    title,
    points.length
      ? `For each risk threshold r: ${points
          .map(
            (p) =>
              `r ${pct(p.threshold)} — ${pct(p.skipShare)} of changes skip review, ${pct(p.slipShare)} of failing changes slip through`,
          )
          .join('; ')}.`
      : 'No settled changes with assessments yet.',
  );
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(
      s('line', { class: 'grid', x1: m.left, x2: m.left + plotW, y1: y(v), y2: y(v) }),
      s('line', { class: 'grid', x1: x(v), x2: x(v), y1: m.top, y2: m.top + plotH }),
      s('text', { class: 'tick tick-y', x: m.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, pct(v)),
      s('text', { class: 'tick tick-x', x: x(v), y: m.top + plotH + 16, 'text-anchor': 'middle' }, pct(v)),
    );
  }
  svg.append(
    s('line', { class: 'chance', x1: x(0), y1: y(0), x2: x(1), y2: y(1) }),
    s(
      'text',
      { class: 'axis-label', x: m.left + plotW / 2, y: height - 6, 'text-anchor': 'middle' },
      'changes skipping review',
    ),
    s(
      'text',
      {
        class: 'axis-label',
        x: 14,
        y: m.top + plotH / 2,
        'text-anchor': 'middle',
        transform: `rotate(-90 14 ${m.top + plotH / 2})`,
      },
      'failing changes slipping through',
    ),
  );
  if (options.goal) {
    const g = options.goal;
    svg.append(
      s('rect', {
        class: 'goal-region',
        x: x(g.skipShare),
        y: y(g.slipShare),
        width: x(1) - x(g.skipShare),
        height: y(0) - y(g.slipShare),
      }),
      s('text', { class: 'goal-label', x: x(g.skipShare) + 4, y: y(g.slipShare) - 4 }, g.label ?? 'goal'),
    );
  }
  const ordered = [{ skipShare: 0, slipShare: 0 }, ...points, { skipShare: 1, slipShare: 1 }];
  svg.append(
    s('polyline', {
      class: 'series',
      points: ordered.map((p) => `${x(p.skipShare).toFixed(1)},${y(p.slipShare).toFixed(1)}`).join(' '),
    }),
  );
  for (const p of points) {
    svg.append(
      s(
        'g',
        { class: 'tradeoff-point' },
        s(
          'title',
          {},
          `r ${pct(p.threshold)}: ${pct(p.skipShare)} skip review, ${pct(p.slipShare)} of failing changes slip through`,
        ),
        s('circle', { class: 'series-dot', cx: x(p.skipShare), cy: y(p.slipShare), r: 3.5 }),
        s('text', { class: 'point-label', x: x(p.skipShare) + 5, y: y(p.slipShare) - 5 }, pct(p.threshold)),
      ),
    );
  }
  return svg;
}
