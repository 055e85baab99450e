// Time series charts (uPlot) shared by the metrics, traces and health pages.
import uPlot from '../vendor/uPlot.esm.js';

export const COLORS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c', '#5c940d'];
const TARGET_POINTS = 250;
const STEPS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400];

/** A step (seconds) that gives about `points` points over the range (a round value). */
export function stepFor(rangeSeconds, points = TARGET_POINTS) {
  const want = rangeSeconds / points;
  return STEPS.find((s) => s >= want) || Math.ceil(want / 86400) * 86400;
}

/**
 * Draws a line chart into container: xs in Unix seconds, series [{label, values, color?}].
 * Returns the uPlot instance (call destroy() when done); it follows the container's width.
 */
export function lineChart(container, xs, series, {height = 300, legend = true, yLabel, yFormat} = {}) {
  container.replaceChildren();
  const plot = new uPlot({
    width: Math.max(240, container.clientWidth), height,
    legend: {show: legend},
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    series: [{}, ...series.map((s, i) => ({label: s.label, stroke: s.color || COLORS[i % COLORS.length], width: 1.5,
      spanGaps: false, points: {size: 5, show: s.values.filter((v) => v != null).length < 40}, value: yFormat ? (u, v) => (v == null ? '—' : yFormat(v)) : undefined}))],
    scales: {x: {time: true}},
    axes: [{}, {size: 60, label: yLabel, values: yFormat ? (u, vals) => vals.map(yFormat) : undefined}],
  }, [xs, ...series.map((s) => s.values)], container);
  const resize = new ResizeObserver(() => plot.setSize({width: Math.max(240, container.clientWidth), height}));
  resize.observe(container);
  const destroy = plot.destroy.bind(plot);
  plot.destroy = () => { resize.disconnect(); destroy(); };
  return plot;
}

/** Human duration of nanoseconds: 850 µs, 12.3 ms, 2.41 s, 3m 5s. */
export function duration(ns) {
  const n = Number(ns);
  if (!Number.isFinite(n)) return '';
  if (n < 1e3) return `${n} ns`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} µs`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 2 : 1)} ms`;
  if (n < 60e9) return `${(n / 1e9).toFixed(2)} s`;
  const s = Math.round(n / 1e9);
  return s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
