// Histogram of matches over time (uPlot bars); dragging across it selects a new range.
import uPlot from '../vendor/uPlot.esm.js';

export class MatchHistogram {
  /** onZoom(startMs, endMs) is called after a drag selection. */
  constructor(container, onZoom) {
    this.container = container;
    this.onZoom = onZoom;
    this.plot = null;
    this.resize = new ResizeObserver(() => {
      if (this.plot) this.plot.setSize({width: this.width(), height: 120});
    });
    this.resize.observe(container);
  }

  width() {
    return Math.max(200, this.container.clientWidth);
  }

  /** data: {step_seconds, buckets:[{start, count}]} */
  set(data) {
    const xs = data.buckets.map((b) => Date.parse(b.start) / 1000);
    const ys = data.buckets.map((b) => b.count);
    const step = Number(data.step_seconds) || 60;
    if (this.plot) this.plot.destroy();
    const opts = {
      width: this.width(),
      height: 120,
      legend: {show: false},
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'), // the list shows UTC too
      cursor: {drag: {x: true, y: false, setScale: false}, points: {show: false}},
      select: {show: true},
      scales: {x: {time: true, range: (u, min, max) => [min, max + step]}, y: {range: (u, min, max) => [0, Math.max(1, max)]}},
      axes: [{}, {size: 50, values: (u, vals) => vals.map((v) => (Number.isInteger(v) ? v : ''))}],
      series: [{}, {label: 'matches', points: {show: false}, fill: 'rgba(47,111,223,0.45)', stroke: '#2f6fdf', width: 1,
        paths: uPlot.paths.bars({size: [0.9, 60], align: 1})}],
      hooks: {
        setSelect: [(u) => {
          const sel = u.select;
          if (sel.width < 3) return;
          const min = u.posToVal(sel.left, 'x');
          const max = u.posToVal(sel.left + sel.width, 'x');
          u.setSelect({left: 0, width: 0, top: 0, height: 0}, false);
          this.onZoom(Math.floor(min * 1000), Math.ceil(max * 1000));
        }],
      },
    };
    this.plot = new uPlot(opts, [xs, ys], this.container);
    this.total = ys.reduce((a, b) => a + b, 0);
  }

  destroy() {
    this.resize.disconnect();
    if (this.plot) this.plot.destroy();
  }
}
