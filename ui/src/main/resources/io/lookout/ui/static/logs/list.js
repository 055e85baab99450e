// A virtualised list of log rows: only the rows in view (plus a margin) are in the DOM, so
// thousands of hits scroll smoothly. Rows have one fixed height; one row at a time may be
// expanded, and its measured detail height shifts the rows below it.
import {h} from '../lib/dom.js';

const OVERSCAN = 20;

export class VirtualList {
  /**
   * @param container scrolling element (fixed height via CSS)
   * @param opts {rowHeight, renderRow(item, index) -> Element, renderDetail(item, index) -> Element,
   *              onToggle(index|null)}
   */
  constructor(container, opts) {
    this.container = container;
    this.opts = opts;
    this.items = [];
    this.expanded = null;
    this.extra = 0; // height of the expanded row's detail
    this.spacer = h('div', {class: 'vlist-spacer'});
    container.replaceChildren(this.spacer);
    container.classList.add('vlist');
    this.frame = 0;
    container.addEventListener('scroll', () => this.schedule());
    this.resize = new ResizeObserver(() => this.schedule());
    this.resize.observe(container);
  }

  setItems(items) {
    this.items = items;
    this.expanded = null;
    this.extra = 0;
    this.container.scrollTop = 0;
    this.render();
  }

  /** Adds items at the top (newest first lists), keeping at most max; keeps the view still. */
  prepend(items, max) {
    if (!items.length) return;
    const atTop = this.container.scrollTop < this.opts.rowHeight;
    this.items = items.concat(this.items);
    if (this.expanded !== null) this.expanded += items.length;
    if (this.items.length > max) {
      this.items.length = max;
      if (this.expanded !== null && this.expanded >= max) this.collapse();
    }
    if (!atTop) this.container.scrollTop += items.length * this.opts.rowHeight;
    this.render();
  }

  get length() {
    return this.items.length;
  }

  toggle(index) {
    this.expanded = this.expanded === index ? null : index;
    this.extra = 0;
    this.render();
    this.opts.onToggle && this.opts.onToggle(this.expanded);
  }

  collapse() {
    this.expanded = null;
    this.extra = 0;
  }

  /** Scrolls so that row index is in view. */
  reveal(index) {
    const top = index * this.opts.rowHeight;
    const c = this.container;
    if (top < c.scrollTop || top + this.opts.rowHeight > c.scrollTop + c.clientHeight) {
      c.scrollTop = Math.max(0, top - c.clientHeight / 3);
    }
    this.render();
  }

  schedule() {
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.render(); });
  }

  offset(i) {
    return i * this.opts.rowHeight + (this.expanded !== null && i > this.expanded ? this.extra : 0);
  }

  indexAt(y) {
    const rh = this.opts.rowHeight;
    if (this.expanded !== null && y > (this.expanded + 1) * rh) {
      y = Math.max((this.expanded + 1) * rh, y - this.extra);
    }
    return Math.max(0, Math.min(this.items.length - 1, Math.floor(y / rh)));
  }

  render() {
    const c = this.container;
    const rh = this.opts.rowHeight;
    const n = this.items.length;
    const first = Math.max(0, this.indexAt(c.scrollTop) - OVERSCAN);
    const last = Math.min(n - 1, this.indexAt(c.scrollTop + c.clientHeight) + OVERSCAN);
    const nodes = [this.spacer];
    let expandedNode = null;
    for (let i = first; i <= last && n > 0; i++) {
      const row = this.opts.renderRow(this.items[i], i);
      row.classList.add('vrow');
      row.dataset.index = i;
      row.style.top = `${this.offset(i)}px`;
      if (i === this.expanded) {
        row.classList.add('expanded');
        row.append(this.opts.renderDetail(this.items[i], i));
        expandedNode = row;
      }
      nodes.push(row);
    }
    c.replaceChildren(...nodes);
    if (expandedNode) {
      const extra = Math.max(0, expandedNode.offsetHeight - rh);
      if (extra !== this.extra) {
        this.extra = extra;
        for (const node of nodes.slice(1)) node.style.top = `${this.offset(Number(node.dataset.index))}px`;
      }
    }
    this.spacer.style.height = `${n * rh + this.extra}px`;
  }

  destroy() {
    this.resize.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }
}
