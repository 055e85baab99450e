// Metrics: /metrics?query=&start=&end= — a PromQL range query drawn with uPlot, with a legend of
// the series' labels; the step follows the range (about 250 points).
import {get} from '../lib/api.js';
import {lineChart, stepFor} from '../lib/chart.js';
import {h, replace} from '../lib/dom.js';
import {RangePicker} from '../lib/range.js';
import {label, toMillis} from '../lib/time.js';
import {navigate} from '../app.js';

export {stepFor};

const HISTORY_KEY = 'lookout.metrics.history';
const MAX_SERIES = 100;
const EXAMPLES = [
  ['up', 'every scrape target, 1 when up'],
  ['rate(http_server_requests_total[5m])', 'per-second rate of a counter'],
  ['sum by (service) (rate(http_server_requests_total[5m]))', 'summed per label'],
  ['histogram_quantile(0.99, sum by (le) (rate(http_server_duration_seconds_bucket[5m])))', 'a latency percentile'],
];

export function seriesName(metric) {
  const name = metric.__name__ || '';
  const labels = Object.entries(metric).filter(([k]) => k !== '__name__').map(([k, v]) => `${k}="${v}"`);
  return labels.length ? `${name}{${labels.join(', ')}}` : name || '{}';
}

function pastQueries() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
  } catch (e) {
    return [];
  }
}

function remember(q) {
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify([q, ...pastQueries().filter((x) => x !== q)].slice(0, 30)));
  } catch (e) {
    // history is a convenience
  }
}

export function mount(root, params) {
  let plot = null;
  let seq = 0;
  let state = {query: '', start: 'now-1h', end: 'now'};
  const input = h('input', {id: 'promql', class: 'query', type: 'search', spellcheck: 'false', list: 'promql-history',
    autocomplete: 'off', placeholder: 'PromQL, e.g. sum by (service) (rate(http_server_requests_total[5m]))', 'aria-label': 'PromQL query'});
  const datalist = h('datalist', {id: 'promql-history'});
  const range = new RangePicker(() => submit());
  range.select.id = 'range';
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  const chartBox = h('div', {id: 'chart', class: 'chart'});
  const status = h('div', {class: 'status', id: 'status'});
  const help = h('details', {class: 'help'}, h('summary', null, 'Examples'),
    h('table', null, EXAMPLES.map(([q, d]) => h('tr', null, h('td', null, h('code', null, q)), h('td', null, d)))));
  const form = h('form', {class: 'querybar', onsubmit: (e) => { e.preventDefault(); submit(); }},
    input, datalist, range.el, h('button', {type: 'submit', class: 'primary'}, 'Run'));
  replace(root, form, help, errorBox, status, chartBox);

  function submit() {
    const r = range.value(state.start);
    const p = new URLSearchParams({query: input.value.trim(), start: r.start});
    if (r.end && r.end !== 'now') p.set('end', r.end);
    navigate(`/metrics?${p}`);
  }

  async function load(p) {
    const my = ++seq;
    state = {query: p.get('query') || '', start: p.get('start') || 'now-1h', end: p.get('end') || 'now'};
    input.value = state.query;
    replace(datalist, pastQueries().map((q) => h('option', {value: q})));
    range.set(state.start, state.end);
    errorBox.hidden = true;
    if (plot) plot.destroy();
    plot = null;
    if (!state.query) {
      replace(chartBox, h('p', {class: 'empty'}, 'Enter a PromQL expression to chart it; see the examples above.'));
      status.textContent = '';
      return;
    }
    const now = Date.now();
    const s = Math.floor(toMillis(state.start, now) / 1000);
    const e = Math.floor(toMillis(state.end, now) / 1000);
    if (!(e > s)) {
      errorBox.hidden = false;
      errorBox.textContent = 'the range is empty: pick an end after the start';
      return;
    }
    const step = stepFor(e - s);
    status.textContent = 'Running…';
    try {
      const t0 = performance.now();
      const data = await get('/prometheus/api/v1/query_range', {query: state.query, start: s, end: e, step});
      const t1 = performance.now();
      if (my !== seq) return;
      remember(state.query);
      const all = data.result || [];
      if (!all.length) {
        replace(chartBox, h('div', {id: 'empty', class: 'empty'}, h('p', null, `The query returned no series in ${label(state.start, state.end)}.`),
          h('p', {class: 'muted'}, 'Check the metric name and labels (the series API lists them), or widen the range.')));
        status.textContent = '';
        return;
      }
      const result = all.slice(0, MAX_SERIES);
      const xs = [];
      for (let t = Math.ceil(s / step) * step; t <= e; t += step) xs.push(t);
      const index = new Map(xs.map((t, i) => [t, i]));
      const series = result.map((r) => {
        const col = new Array(xs.length).fill(null);
        for (const [t, v] of r.values || []) {
          const i = index.get(Number(t));
          if (i !== undefined) col[i] = Number(v);
        }
        return {label: seriesName(r.metric), values: col};
      });
      plot = lineChart(chartBox, xs, series, {height: 340});
      root.dataset.renderMs = String(Math.round((performance.now() - t1) * 10) / 10);
      root.dataset.fetchMs = String(Math.round(t1 - t0));
      status.textContent = `${all.length} series${all.length > MAX_SERIES ? ` (first ${MAX_SERIES} drawn)` : ''} · step ${step}s · ${label(state.start, state.end)}`;
    } catch (err) {
      if (my !== seq) return;
      replace(chartBox);
      status.textContent = '';
      errorBox.hidden = false;
      errorBox.textContent = err.message;
    }
  }

  function onKey(e) {
    if (e.key === '/' && !e.target.matches('input, textarea, select')) {
      e.preventDefault();
      input.focus();
      input.select();
    }
  }
  document.addEventListener('keydown', onKey);

  load(params);
  return {update: load, destroy: () => { seq++; if (plot) plot.destroy(); document.removeEventListener('keydown', onKey); }};
}
