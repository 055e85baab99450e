// Field sidebar: the field names of the range; a click shows the top values among the matches,
// and a click on a value adds it to the query.
import {get} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';

const HIDDEN = new Set(['body']);

export class FieldSidebar {
  /** onPick(field, value) adds a filter. */
  constructor(container, onPick) {
    this.container = container;
    this.onPick = onPick;
    this.open = new Set();
    this.params = null;
    this.abort = null;
  }

  async load(params) {
    this.params = params;
    if (this.abort) this.abort.abort();
    this.abort = new AbortController();
    const signal = this.abort.signal;
    replace(this.container, h('h3', null, 'Fields'), h('p', {class: 'muted'}, 'Loading…'));
    let names;
    try {
      names = await get('/api/v1/logs/fields', {start: params.start, end: params.end}, signal);
    } catch (e) {
      if (e.name === 'AbortError') return;
      replace(this.container, h('h3', null, 'Fields'), h('p', {class: 'error'}, e.message));
      return;
    }
    const list = h('ul', {class: 'fields'});
    for (const name of names.filter((n) => !HIDDEN.has(n))) {
      const item = h('li', {class: 'field', dataset: {field: name}});
      const values = h('ul', {class: 'values'});
      const toggle = h('button', {class: 'field-name', type: 'button', title: `Top values of ${name}`,
        onclick: () => this.toggle(name, values)}, name);
      item.append(toggle, values);
      list.append(item);
      if (this.open.has(name)) this.loadValues(name, values);
    }
    replace(this.container, h('h3', null, 'Fields'), names.length ? list : h('p', {class: 'muted'}, 'No fields in this range.'));
  }

  toggle(name, values) {
    if (this.open.has(name)) {
      this.open.delete(name);
      values.replaceChildren();
    } else {
      this.open.add(name);
      this.loadValues(name, values);
    }
  }

  async loadValues(name, values) {
    const p = this.params;
    replace(values, h('li', {class: 'muted'}, 'Loading…'));
    try {
      const data = await get(`/api/v1/logs/fields/${encodeURIComponent(name)}/values`,
        {query: p.query, start: p.start, end: p.end, limit: 10}, this.abort.signal);
      if (!data.values.length) {
        replace(values, h('li', {class: 'muted'}, 'No values among the matches.'));
        return;
      }
      const max = Math.max(...data.values.map((v) => v.count));
      replace(values, data.values.map((v) => {
        const bar = h('span', {class: 'bar'});
        bar.style.width = `${Math.round((v.count / max) * 100)}%`;
        return h('li', null, h('button', {class: 'value', type: 'button', dataset: {field: name, value: v.value},
          title: `Add ${name}:"${v.value}" to the query`, onclick: () => this.onPick(name, v.value)},
        h('span', {class: 'value-text'}, v.value), h('span', {class: 'count'}, String(v.count)), bar));
      }), data.sampled ? h('li', {class: 'muted'}, `counted among the newest ${data.scanned} of ${data.matched}`) : null);
    } catch (e) {
      if (e.name !== 'AbortError') replace(values, h('li', {class: 'error'}, e.message));
    }
  }

  destroy() {
    if (this.abort) this.abort.abort();
  }
}
