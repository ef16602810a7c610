// Time-series charts to investigate with, drawn by uPlot (canvas): the charts of one page form a
// group that shares a crosshair (uPlot's cursor sync) and a zoom (drag across one chart to zoom
// all of them on time; the group's reset puts the whole range back). Windows (baseline,
// observation, an alert firing) are shaded bands; changes are vertical lines whose hover and
// focus targets sit in a strip under the plot, stacked in lanes when they are too close to tell
// apart, so no marker hides another. A chart is drawn only once it scrolls near the screen.
//
// Canvas is invisible to screen readers: each chart is an image with a name and a text summary
// (its windows with the mean value in each, its range and extremes), and each marker is a button
// named by what it marks. Colours come from the page's CSS variables and follow the theme.
import uPlot from '/vendor/uplot/uPlot.esm.js';
import { h } from './dom.js';
import { clockIn, DAY, dayMonthIn, MINUTE, stamp, timeZone, withUnit, zoneName } from './format.js';

let uid = 0;
const nextId = (prefix) => `${prefix}-${++uid}`;

/** The CSS variables a chart paints with, resolved to colours the canvas understands. */
const COLOURS = {
  text: '--muted',
  grid: '--border',
  series: '--series',
  baseline: '--baseline',
  baselineEdge: '--baseline-edge',
  observation: '--observation',
  observationEdge: '--observation-edge',
  alert: '--alert-band',
  alertEdge: '--alert-band-edge',
  suspect: '--suspect',
  change: '--change',
  incident: '--critical',
  focus: '--focus',
};
const FONT_PX = 12;
const FONT = `${FONT_PX}px system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif`;
const HEIGHT = 220;
/** Markers closer than this (px) go to separate lanes of the strip. */
const MARKER_GAP = 16;
const LANE_PX = 18;

/** Resolves each variable through a probe element (light-dark() only resolves on a real property). */
function readPalette(probe) {
  const palette = {};
  for (const [name, variable] of Object.entries(COLOURS)) {
    probe.style.color = `var(${variable})`;
    palette[name] = window.getComputedStyle(probe).color;
  }
  return palette;
}

/**
 * A group of time charts over one time range. options: { domain: [from, to], signal } — the
 * group is torn down (listeners, observers, canvases) when `signal` aborts or `destroy()` runs.
 */
export function chartGroup({ domain, signal }) {
  const key = nextId('chart-sync');
  const charts = [];
  const probe = h('span', { class: 'colour-probe', 'aria-hidden': 'true' });
  document.body.append(probe);
  const group = {
    key,
    domain,
    view: [...domain],
    palette: readPalette(probe),
    charts,
    zoomed: () => group.view[0] > domain[0] || group.view[1] < domain[1],
    listeners: new Set(),
    /** Shows [from, to] on every chart of the group (and remembers it for those not drawn yet). */
    zoom(from, to) {
      group.view = [Math.max(domain[0], from), Math.min(domain[1], to)];
      for (const chart of charts) chart.showRange();
      for (const listener of group.listeners) listener(group.view);
    },
    reset() {
      group.zoom(domain[0], domain[1]);
    },
    onZoom(listener) {
      group.listeners.add(listener);
    },
    destroy() {
      observer.disconnect();
      themeWatch.disconnect();
      scheme.removeEventListener('change', repaint);
      for (const chart of charts) chart.destroy();
      probe.remove();
    },
  };
  const repaint = () => {
    group.palette = readPalette(probe);
    for (const chart of charts) chart.redraw();
  };
  const scheme = window.matchMedia('(prefers-color-scheme: dark)');
  scheme.addEventListener('change', repaint);
  const themeWatch = new window.MutationObserver(repaint);
  themeWatch.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  // Drawn when near the screen; charts far below cost a placeholder of their height.
  const observer = new window.IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        observer.unobserve(entry.target);
        charts.find((c) => c.element === entry.target)?.mount();
      }
    },
    { rootMargin: '300px 0px' },
  );
  group.observe = (chart) => observer.observe(chart.element);
  signal?.addEventListener('abort', () => group.destroy(), { once: true });
  return group;
}

/** "Reset zoom" for a group: enabled while the group is zoomed in, says what is shown. */
export function zoomControls(group) {
  const status = h('span', { class: 'zoom-status muted', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'reset-zoom', disabled: true }, 'Reset zoom');
  button.addEventListener('click', () => group.reset());
  const update = ([from, to]) => {
    button.disabled = !group.zoomed();
    status.textContent = group.zoomed()
      ? `Zoomed to ${clockIn(from, { seconds: to - from < 10 * MINUTE })}–${clockIn(to, { seconds: to - from < 10 * MINUTE })} ${zoneName(from)}`
      : 'Drag across a chart to zoom in on a time.';
  };
  update(group.view);
  group.onZoom(update);
  return h('div', { class: 'zoom-controls' }, button, status);
}

/**
 * One time chart in a group.
 * options: { title, metric, unit, points: [[ms, value]], bands: [{ from, to, kind, label }],
 *   markers: [{ at, kind, label, title, primary }] }
 * kind of a band: 'baseline' | 'observation' | 'alert'; of a marker: 'suspect' | 'change' | 'incident'.
 * Returns the chart's elements (to place in a figure) with the plot's element as `element`.
 */
export function timeChart(group, options) {
  const { title = '', metric = '', unit = null } = options;
  const [from, to] = group.domain;
  const points = withGaps(
    (options.points ?? [])
      .filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]))
      .sort((a, b) => a[0] - b[0]),
  );
  const bands = (options.bands ?? []).filter((b) => b.to > from && b.from < to && b.to > b.from);
  const markers = (options.markers ?? [])
    .filter((m) => m.at >= from && m.at <= to)
    .sort((a, b) => a.at - b.at);
  const fmt = (v) => withUnit(v, unit, metric);

  const summaryId = nextId('chart-summary');
  const element = h('div', {
    class: 'time-chart',
    role: 'img',
    'aria-label': `${title}: line chart`,
    'aria-describedby': summaryId,
    dataset: {
      series: points.some((p) => p[1] !== null) ? '1' : '0',
      from: group.view[0],
      to: group.view[1],
    },
  });
  const readout = h('div', { class: 'chart-readout', 'aria-hidden': 'true' });
  const tip = h('div', { class: 'marker-tip', role: 'tooltip', id: nextId('marker-tip'), hidden: true });
  const strip = h('div', {
    class: 'marker-strip',
    role: 'group',
    'aria-label': `Changes marked on ${title}`,
  });
  const summary = h('p', { class: 'chart-summary', id: summaryId }, summaryParts(points, bands, fmt));

  let hot = null;
  const buttons = markers.map((marker, i) => {
    const button = h(
      'button',
      {
        type: 'button',
        class: `chart-marker marker-${marker.kind}`,
        'aria-label': marker.title ?? marker.label,
        'aria-describedby': tip.id,
        tabindex: i === focusStart(markers) ? '0' : '-1',
        dataset: { kind: marker.kind, at: marker.at },
      },
      h('span', { class: 'marker-glyph', 'aria-hidden': 'true' }),
    );
    const show = () => {
      hot = marker;
      tip.textContent = marker.title ?? marker.label;
      tip.hidden = false;
      const left = Number.parseFloat(button.style.left) || 0;
      tip.style.left = `${Math.max(0, left - 40)}px`;
      tip.style.top = `${Number.parseFloat(button.style.top) + LANE_PX + 2}px`;
      plot?.redraw(false);
    };
    const hide = () => {
      if (hot !== marker) return;
      hot = null;
      tip.hidden = true;
      plot?.redraw(false);
    };
    button.addEventListener('pointerenter', show);
    button.addEventListener('focus', show);
    button.addEventListener('pointerleave', () => document.activeElement !== button && hide());
    button.addEventListener('blur', hide);
    button.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (!step) {
        if (event.key === 'Escape') hide();
        return;
      }
      event.preventDefault();
      const shown = buttons.filter((b) => !b.hidden);
      const next = shown[(shown.indexOf(button) + step + shown.length) % shown.length];
      if (!next) return;
      for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
      next.focus();
    });
    return button;
  });
  strip.append(...buttons, tip);

  let plot = null;
  const chart = {
    element,
    mount() {
      if (plot) return;
      const width = Math.max(240, element.clientWidth || 600);
      const data = [points.map((p) => p[0]), points.map((p) => p[1])];
      plot = new uPlot(plotOptions(width), data, element);
      element.append(readout);
      chart.showRange();
      resize.observe(element);
    },
    /** Puts the group's view on the plot (and the markers where the plot now has them). */
    showRange() {
      const [min, max] = group.view;
      element.dataset.from = String(min);
      element.dataset.to = String(max);
      if (!plot) return placeMarkers();
      if (plot.scales.x.min !== min || plot.scales.x.max !== max) plot.setScale('x', { min, max });
      else placeMarkers();
    },
    redraw() {
      plot?.redraw(false);
    },
    destroy() {
      resize.disconnect();
      plot?.destroy();
      plot = null;
    },
  };
  const resize = new window.ResizeObserver(() => {
    if (!plot) return;
    const width = Math.max(240, element.clientWidth);
    if (Math.abs(width - plot.width) >= 1) plot.setSize({ width, height: HEIGHT });
  });

  /** Positions each marker's button under its line; markers too close stack in lanes. */
  function placeMarkers() {
    const [min, max] = group.view;
    const lanes = [];
    const offset = plot ? plot.over.offsetLeft : 0;
    for (const [i, button] of buttons.entries()) {
      const marker = markers[i];
      const visible = marker.at >= min && marker.at <= max;
      button.hidden = !plot || !visible;
      if (button.hidden) continue;
      const x = offset + plot.valToPos(marker.at, 'x');
      let lane = lanes.findIndex((last) => x - last >= MARKER_GAP);
      if (lane < 0) lane = lanes.push(x) - 1;
      else lanes[lane] = x;
      button.style.left = `${x}px`;
      button.style.top = `${lane * LANE_PX}px`;
    }
    strip.style.height = `${Math.max(1, lanes.length) * LANE_PX}px`;
    if (buttons.length && !buttons.some((b) => !b.hidden && b.tabIndex === 0)) {
      const first = buttons.find((b) => !b.hidden);
      if (first) first.tabIndex = 0;
    }
  }

  function plotOptions(width) {
    const colour = (name) => () => group.palette[name];
    return {
      width,
      height: HEIGHT,
      ms: 1,
      tzDate: (ms) => (timeZone() === 'utc' ? uPlot.tzDate(new Date(ms), 'Etc/UTC') : new Date(ms)),
      legend: { show: false },
      scales: {
        x: { time: true, min: group.view[0], max: group.view[1], auto: false },
        y: { range: (u, lo, hi) => valueRange(lo, hi) },
      },
      series: [
        {},
        {
          label: title,
          stroke: colour('series'),
          width: 1.6,
          points: { show: false },
          spanGaps: false,
        },
      ],
      axes: [
        {
          stroke: colour('text'),
          font: FONT,
          size: 36,
          grid: { stroke: colour('grid'), width: 1 },
          ticks: { stroke: colour('grid'), width: 1, size: 4 },
          values: (u, splits) => {
            const step = splits.length > 1 ? splits[1] - splits[0] : DAY;
            const labels = splits.map((t) =>
              step >= DAY ? dayMonthIn(t) : clockIn(t, { seconds: step < MINUTE }),
            );
            element.dataset.xTicks = labels.join('|');
            return labels;
          },
        },
        {
          stroke: colour('text'),
          font: FONT,
          size: 64,
          grid: { stroke: colour('grid'), width: 1 },
          ticks: { show: false },
          values: (u, splits) => splits.map(fmt),
        },
      ],
      cursor: {
        sync: { key: group.key, setSeries: false, scales: ['x', null] },
        drag: { x: true, y: false, setScale: false },
        points: { size: 7, fill: colour('series'), stroke: colour('series') },
      },
      hooks: {
        drawClear: [(u) => drawBands(u)],
        draw: [(u) => drawMarkers(u)],
        setSelect: [
          (u) => {
            // A drag across the plot zooms the whole group to the time it covers.
            if (u.select.width < 4) return;
            const a = u.posToVal(u.select.left, 'x');
            const b = u.posToVal(u.select.left + u.select.width, 'x');
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
            group.zoom(a, b);
          },
        ],
        setScale: [(u, key) => key === 'x' && placeMarkers()],
        setSize: [() => placeMarkers()],
        setCursor: [(u) => showReadout(u)],
      },
    };
  }

  function showReadout(u) {
    const i = u.cursor.idx;
    const t = i === null || i === undefined ? null : u.data[0][i];
    const v = i === null || i === undefined ? null : u.data[1][i];
    if (t === null || t === undefined || v === null || v === undefined) {
      readout.textContent = '';
      delete element.dataset.cursor;
      return;
    }
    readout.textContent = `${clockIn(t, { seconds: true })} ${zoneName(t)} · ${fmt(v)}`;
    element.dataset.cursor = String(t);
  }

  function drawBands(u) {
    const { ctx, bbox } = u;
    const px = uPlot.pxRatio;
    ctx.save();
    ctx.font = `${FONT_PX * px}px system-ui, sans-serif`;
    ctx.textBaseline = 'top';
    for (const band of bands) {
      const x0 = Math.max(bbox.left, u.valToPos(band.from, 'x', true));
      const x1 = Math.min(bbox.left + bbox.width, u.valToPos(band.to, 'x', true));
      if (x1 <= x0) continue;
      const w = Math.max(x1 - x0, 2 * px);
      ctx.fillStyle = group.palette[band.kind] ?? group.palette.baseline;
      ctx.fillRect(x0, bbox.top, w, bbox.height);
      ctx.fillStyle = group.palette[`${band.kind}Edge`] ?? group.palette.text;
      ctx.fillRect(x0, bbox.top, w, 2 * px);
      const label = band.label ?? band.kind;
      const row = band.kind === 'alert' ? 1 : 0;
      if (ctx.measureText(label).width + 8 * px <= w) {
        ctx.fillStyle = group.palette.text;
        ctx.fillText(label, x0 + 4 * px, bbox.top + (4 + row * (FONT_PX + 3)) * px);
      }
    }
    ctx.restore();
  }

  function drawMarkers(u) {
    const { ctx, bbox } = u;
    const px = uPlot.pxRatio;
    ctx.save();
    for (const marker of markers) {
      const x = Math.round(u.valToPos(marker.at, 'x', true));
      if (x < bbox.left || x > bbox.left + bbox.width) continue;
      ctx.strokeStyle = group.palette[marker.kind] ?? group.palette.change;
      ctx.lineWidth = (marker === hot ? 3 : marker.kind === 'change' ? 1 : 2) * px;
      ctx.setLineDash(marker.kind === 'incident' ? [5 * px, 3 * px] : []);
      ctx.beginPath();
      ctx.moveTo(x, bbox.top);
      ctx.lineTo(x, bbox.top + bbox.height);
      ctx.stroke();
    }
    if (!points.length) {
      ctx.fillStyle = group.palette.text;
      ctx.font = `${FONT_PX * px}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.fillText('no data', bbox.left + bbox.width / 2, bbox.top + bbox.height / 2);
    }
    ctx.restore();
  }

  group.charts.push(chart);
  group.observe(chart);
  return { element, nodes: [element, strip, summary], chart };
}

/** Which marker takes the strip's one tab stop: the one marked primary (the likeliest cause), else the first. */
function focusStart(markers) {
  const primary = markers.findIndex((m) => m.primary);
  return primary >= 0 ? primary : 0;
}

/** A null after each point followed by a gap of more than 3 typical steps: the line breaks there. */
function withGaps(points) {
  if (points.length < 3) return points;
  const gaps = points.slice(1).map((p, i) => p[0] - points[i][0]);
  const typical = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)];
  const out = [];
  points.forEach((p, i) => {
    if (i > 0 && typical > 0 && p[0] - points[i - 1][0] > typical * 3)
      out.push([points[i - 1][0] + typical, null]);
    out.push(p);
  });
  return out;
}

/** From zero (or the lowest value, if negative) to a little above the highest. */
function valueRange(lo, hi) {
  const min = Math.min(0, Number.isFinite(lo) ? lo : 0);
  const top = Number.isFinite(hi) && hi > min ? hi : min + 1;
  return [min, top + (top - min) * 0.08];
}

/** The text alternative: each band with the mean in it, then the range and extremes. */
function summaryParts(points, bands, fmt) {
  const values = points.filter((p) => p[1] !== null);
  const mean = (a, b) => {
    const inside = values.filter((p) => p[0] >= a && p[0] < b).map((p) => p[1]);
    return inside.length ? inside.reduce((s, v) => s + v, 0) / inside.length : null;
  };
  const when = (a, b) => `${clockIn(a)}–${clockIn(b)} ${zoneName(a)}`;
  const parts = bands.map((band) => {
    const m = mean(band.from, band.to);
    const text =
      band.kind === 'alert'
        ? `${band.label} ${when(band.from, band.to)}${m === null ? '' : `, mean ${fmt(m)}`}`
        : `${band.label ?? band.kind} ${m === null ? 'no data' : `mean ${fmt(m)}`} (${when(band.from, band.to)})`;
    return h('span', { class: 'band-fact', dataset: { band: band.kind } }, text);
  });
  const extremes = values.length
    ? `Between ${fmt(Math.min(...values.map((p) => p[1])))} and ${fmt(Math.max(...values.map((p) => p[1])))} from ${stamp(values[0][0], { seconds: false })} to ${stamp(values.at(-1)[0], { seconds: false })}.`
    : 'No data in this range.';
  return [...parts.flatMap((part, i) => [i ? '; ' : '', part]), parts.length ? '. ' : '', extremes];
}
