// The service map: services as boxes in layers (callers left of callees), calls as arrows with
// their count; an edge with errors is red. Plain SVG, laid out here (no graph library).
import {get} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';

const NS = 'http://www.w3.org/2000/svg';
const BOX_W = 150;
const BOX_H = 34;
const GAP_X = 90;
const GAP_Y = 22;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/** Layer of each service: the longest call path from a service nobody calls (cycles cut). */
export function layers(services, edges) {
  const layer = new Map(services.map((s) => [s, 0]));
  for (let round = 0; round < services.length; round++) {
    let changed = false;
    for (const e of edges) {
      if (e.parent === e.child) continue;
      const want = layer.get(e.parent) + 1;
      if (want > layer.get(e.child) && want < services.length) {
        layer.set(e.child, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return layer;
}

export class ServiceMap {
  /** onPick(service) when a box is clicked (or Enter on it). */
  constructor(container, onPick) {
    this.container = container;
    this.onPick = onPick;
    this.seq = 0;
  }

  async load(range, selected) {
    const seq = ++this.seq;
    replace(this.container, h('h3', null, 'Service map'), h('p', {class: 'muted'}, 'Loading…'));
    try {
      const edges = await get('/api/v1/traces/dependencies', range);
      if (seq !== this.seq) return;
      this.draw(edges, selected);
    } catch (e) {
      if (seq === this.seq) replace(this.container, h('h3', null, 'Service map'), h('p', {class: 'error'}, e.message));
    }
  }

  draw(edges, selected) {
    const services = [...new Set(edges.flatMap((e) => [e.parent, e.child]))].sort();
    if (!services.length) {
      replace(this.container, h('h3', null, 'Service map'),
        h('p', {class: 'empty'}, 'No calls between services in this range.'));
      return;
    }
    const layer = layers(services, edges);
    const columns = [];
    for (const s of services) (columns[layer.get(s)] ||= []).push(s);
    const pos = new Map();
    columns.forEach((col, x) => col.forEach((s, y) => pos.set(s, {x: 10 + x * (BOX_W + GAP_X), y: 10 + y * (BOX_H + GAP_Y)})));
    const width = 20 + columns.length * (BOX_W + GAP_X) - GAP_X;
    const height = 20 + Math.max(...columns.map((c) => c.length)) * (BOX_H + GAP_Y) - GAP_Y;
    const root = svg('svg', {class: 'service-map', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
      'aria-label': `Service map: ${services.length} services, ${edges.length} calls`});
    root.append(svg('defs', null, svg('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'}, svg('path', {d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head'}))));
    for (const e of edges) {
      const a = pos.get(e.parent);
      const b = pos.get(e.child);
      let d;
      if (e.parent === e.child) {
        d = `M ${a.x + BOX_W - 30} ${a.y} C ${a.x + BOX_W - 20} ${a.y - 20}, ${a.x + BOX_W + 10} ${a.y - 10}, ${a.x + BOX_W} ${a.y + 8}`;
      } else {
        const x1 = a.x + BOX_W;
        const y1 = a.y + BOX_H / 2;
        const x2 = b.x;
        const y2 = b.y + BOX_H / 2;
        const mid = (x1 + x2) / 2;
        d = `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2} ${y2}`;
      }
      const title = `${e.parent} → ${e.child}: ${e.call_count} call${e.call_count === 1 ? '' : 's'}, ${e.error_count} error${e.error_count === 1 ? '' : 's'}`;
      const g = svg('g', {class: `edge${e.error_count ? ' edge-error' : ''}`, 'data-parent': e.parent, 'data-child': e.child},
        svg('title', null, title), svg('path', {d, 'marker-end': 'url(#arrow)'}));
      if (e.parent !== e.child) {
        const tx = (a.x + BOX_W + b.x) / 2;
        const ty = (a.y + b.y + BOX_H) / 2 - 4;
        g.append(svg('text', {x: tx, y: ty, 'text-anchor': 'middle'},
          `${e.call_count}${e.error_count ? ` (${e.error_count} err)` : ''}`));
      }
      root.append(g);
    }
    for (const s of services) {
      const p = pos.get(s);
      const name = s.length > 20 ? `${s.slice(0, 19)}…` : s;
      const node = svg('g', {class: `node${s === selected ? ' selected' : ''}`, tabindex: 0, role: 'button',
        'data-service': s, 'aria-label': `Service ${s}: show its traces`},
      svg('title', null, s), svg('rect', {x: p.x, y: p.y, width: BOX_W, height: BOX_H, rx: 5}),
      svg('text', {x: p.x + BOX_W / 2, y: p.y + BOX_H / 2 + 4, 'text-anchor': 'middle'}, name));
      node.addEventListener('click', () => this.onPick(s));
      node.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); this.onPick(s); } });
      root.append(node);
    }
    replace(this.container, h('h3', null, 'Service map'), h('div', {class: 'map-scroll'}, root),
      h('p', {class: 'muted small'}, 'Arrows point from caller to callee with the number of calls; red arrows had errors. Click a service to filter.'));
  }
}
