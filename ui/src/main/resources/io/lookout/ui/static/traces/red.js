// Rate, errors and duration of one service (or operation) over the range: three small charts.
import {get} from '../lib/api.js';
import {lineChart, stepFor} from '../lib/chart.js';
import {h, replace} from '../lib/dom.js';
import {toMillis} from '../lib/time.js';

export class RedCharts {
  constructor(container) {
    this.container = container;
    this.plots = [];
    this.seq = 0;
  }

  clear() {
    for (const p of this.plots) p.destroy();
    this.plots = [];
  }

  async load(service, operation, start, end) {
    const seq = ++this.seq;
    this.clear();
    const title = h('h3', null, service ? `RED · ${service}${operation ? ` · ${operation}` : ''}` : 'RED');
    if (!service) {
      replace(this.container, title, h('p', {class: 'empty'}, 'Choose a service to see its request rate, errors and latency.'));
      return;
    }
    replace(this.container, title, h('p', {class: 'muted'}, 'Loading…'));
    const now = Date.now();
    const s = toMillis(start, now) / 1000;
    const e = toMillis(end, now) / 1000;
    const step = stepFor(e - s, 60);
    try {
      const data = await get('/api/v1/traces/red', {service, operation, start, end: end === 'now' ? undefined : end, step: `${step}s`});
      if (seq !== this.seq) return;
      const pts = data.points || [];
      if (!pts.some((p) => p.requests > 0)) {
        replace(this.container, title, h('p', {class: 'empty'}, 'No requests of this service in the range.'));
        return;
      }
      const xs = pts.map((p) => Date.parse(p.start) / 1000);
      const boxes = [h('div', {class: 'red-chart', id: 'red-rate'}), h('div', {class: 'red-chart', id: 'red-errors'}),
        h('div', {class: 'red-chart', id: 'red-duration'})];
      replace(this.container, title,
        h('h4', null, 'Requests per second'), boxes[0], h('h4', null, 'Error rate (%)'), boxes[1],
        h('h4', null, 'Duration (ms)'), boxes[2]);
      const num = (v) => (v == null ? null : v);
      const opts = {height: 130};
      this.plots.push(lineChart(boxes[0], xs, [{label: 'req/s', values: pts.map((p) => p.rate)}], opts));
      this.plots.push(lineChart(boxes[1], xs, [{label: 'errors %', color: '#c92a2a',
        values: pts.map((p) => (p.requests ? 100 * p.error_rate : null))}], opts));
      this.plots.push(lineChart(boxes[2], xs, [
        {label: 'p50', values: pts.map((p) => num(p.p50_ms))},
        {label: 'p90', values: pts.map((p) => num(p.p90_ms))},
        {label: 'p99', values: pts.map((p) => num(p.p99_ms))}], opts));
    } catch (err) {
      if (seq === this.seq) replace(this.container, title, h('p', {class: 'error'}, err.message));
    }
  }

  destroy() {
    this.seq++;
    this.clear();
  }
}
