// Trace search: the form, the results, the service map and the RED charts of the chosen service.
import {get} from '../lib/api.js';
import {duration} from '../lib/chart.js';
import {h, replace} from '../lib/dom.js';
import {RangePicker} from '../lib/range.js';
import {label, shortTime} from '../lib/time.js';
import {navigate} from '../app.js';
import {ServiceMap} from './servicemap.js';
import {RedCharts} from './red.js';

const PAGE = 50;
const FIELDS = ['service', 'operation', 'attributes', 'min_duration', 'max_duration', 'status', 'start', 'end'];

export function mount(root, params) {
  let state = {};
  let abort = null;
  let nextCursor = null;
  let shown = [];

  const service = h('select', {id: 'service', 'aria-label': 'Service'});
  const operation = h('select', {id: 'operation', 'aria-label': 'Operation'});
  const attributes = h('input', {id: 'attributes', type: 'search', class: 'query', spellcheck: 'false',
    placeholder: 'attributes, e.g. http.route=/pay http.status_code=500', 'aria-label': 'Attributes (key=value, space-separated)'});
  const minDur = h('input', {id: 'min-duration', class: 'dur', placeholder: 'min, e.g. 100ms', 'aria-label': 'Minimum duration'});
  const maxDur = h('input', {id: 'max-duration', class: 'dur', placeholder: 'max, e.g. 2s', 'aria-label': 'Maximum duration'});
  const status = h('select', {id: 'status-filter', 'aria-label': 'Status'},
    h('option', {value: ''}, 'Any status'), h('option', {value: 'error'}, 'Errors only'),
    h('option', {value: 'ok'}, 'OK'), h('option', {value: 'unset'}, 'Unset'));
  const range = new RangePicker(() => submit());
  const form = h('form', {class: 'querybar trace-form', onsubmit: (e) => { e.preventDefault(); submit(); }},
    service, operation, attributes, minDur, maxDur, status, range.el, h('button', {type: 'submit', class: 'primary'}, 'Find traces'));
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  const statusLine = h('div', {id: 'status', class: 'status'});
  const results = h('div', {id: 'trace-results', class: 'trace-results'});
  const more = h('button', {type: 'button', id: 'more', hidden: true, onclick: () => loadMore()}, 'Load more');
  const mapBox = h('section', {id: 'service-map', class: 'panel'});
  const redBox = h('section', {id: 'red', class: 'panel'});
  replace(root, form, errorBox, statusLine, results, more, h('div', {class: 'two-col'}, mapBox, redBox));
  const map = new ServiceMap(mapBox, (svc) => { service.value = svc; operation.value = ''; submit(); });
  const red = new RedCharts(redBox);

  service.addEventListener('change', () => { operation.value = ''; submit(); });
  operation.addEventListener('change', () => submit());
  status.addEventListener('change', () => submit());

  function read(p) {
    state = {};
    for (const f of FIELDS) state[f] = p.get(f) || '';
    state.start = state.start || 'now-1h';
    state.end = state.end || 'now';
  }

  function url(s) {
    const p = new URLSearchParams();
    for (const f of FIELDS) if (s[f] && !(f === 'end' && s[f] === 'now')) p.set(f, s[f]);
    return `/traces?${p}`;
  }

  function submit() {
    const r = range.value(state.start);
    navigate(url({service: service.value, operation: operation.value, attributes: attributes.value.trim(),
      min_duration: minDur.value.trim(), max_duration: maxDur.value.trim(), status: status.value, start: r.start, end: r.end}));
  }

  function apiRange() {
    return {start: state.start, end: state.end === 'now' ? undefined : state.end};
  }

  async function fillSelects(signal) {
    const keep = (sel, values, allLabel, current) => {
      const list = current && !values.includes(current) ? [current, ...values] : values;
      replace(sel, h('option', {value: ''}, allLabel), list.map((v) => h('option', {value: v}, v)));
      sel.value = current;
    };
    keep(service, [], 'All services', state.service);
    keep(operation, [], 'All operations', state.operation);
    try {
      keep(service, await get('/api/v1/traces/services', apiRange(), signal), 'All services', state.service);
      operation.disabled = !state.service;
      if (state.service) {
        const ops = await get(`/api/v1/traces/services/${encodeURIComponent(state.service)}/operations`, apiRange(), signal);
        keep(operation, [...new Set(ops.map((o) => o.name))].sort(), 'All operations', state.operation);
      }
    } catch (e) {
      // the search below reports errors; the lists are a convenience
    }
  }

  function row(t, maxDuration) {
    const bar = h('span', {class: 'dur-bar'});
    bar.style.width = `${Math.max(1, (100 * t.duration_ns) / maxDuration)}%`;
    return h('a', {class: `trace-row${t.error_count ? ' has-error' : ''}`, href: `/traces/${t.trace_id}`, dataset: {traceId: t.trace_id}},
      h('span', {class: 'ts'}, shortTime(t.start)),
      h('span', {class: 'root'}, h('span', {class: 'svc'}, t.root_service || '?'), ' ', t.root_operation || '(missing root span)'),
      h('span', {class: 'dur-cell'}, bar, h('span', {class: 'dur-text'}, duration(t.duration_ns))),
      h('span', {class: 'spans'}, `${t.span_count} span${t.span_count === 1 ? '' : 's'}`),
      h('span', {class: 'errs'}, t.error_count ? `${t.error_count} error${t.error_count === 1 ? '' : 's'}` : ''),
      h('span', {class: 'services muted'}, (t.services || []).join(', ')));
  }

  function render() {
    const maxDuration = Math.max(1, ...shown.map((t) => t.duration_ns));
    replace(results, shown.map((t) => row(t, maxDuration)));
    more.hidden = !nextCursor;
  }

  function query(extra) {
    return {service: state.service, operation: state.operation, attributes: state.attributes,
      min_duration: state.min_duration, max_duration: state.max_duration, status: state.status, ...apiRange(), limit: PAGE, ...extra};
  }

  async function load() {
    if (abort) abort.abort();
    abort = new AbortController();
    const signal = abort.signal;
    service.value = state.service;
    attributes.value = state.attributes;
    minDur.value = state.min_duration;
    maxDur.value = state.max_duration;
    status.value = state.status;
    range.set(state.start, state.end);
    errorBox.hidden = true;
    statusLine.textContent = 'Searching…';
    fillSelects(signal);
    map.load(apiRange(), state.service);
    red.load(state.service, state.operation, state.start, state.end);
    try {
      const page = await get('/api/v1/traces', query(), signal);
      shown = page.traces;
      nextCursor = page.next_cursor;
      render();
      if (!shown.length) {
        replace(results, h('div', {id: 'empty', class: 'empty'},
          h('p', null, `No traces match in ${label(state.start, state.end)}.`),
          h('p', {class: 'muted'}, 'Widen the time range or remove a filter.')));
      }
      statusLine.textContent = `${shown.length}${nextCursor ? '+' : ''} trace${shown.length === 1 ? '' : 's'}, newest first · ${label(state.start, state.end)}`;
    } catch (e) {
      if (e.name === 'AbortError') return;
      shown = [];
      replace(results);
      more.hidden = true;
      statusLine.textContent = '';
      errorBox.hidden = false;
      errorBox.textContent = e.message;
    }
  }

  async function loadMore() {
    if (!nextCursor) return;
    more.disabled = true;
    try {
      const page = await get('/api/v1/traces', query({cursor: nextCursor}));
      shown = shown.concat(page.traces);
      nextCursor = page.next_cursor;
      render();
      statusLine.textContent = `${shown.length}${nextCursor ? '+' : ''} traces, newest first · ${label(state.start, state.end)}`;
    } catch (e) {
      errorBox.hidden = false;
      errorBox.textContent = e.message;
    } finally {
      more.disabled = false;
    }
  }

  read(params);
  load();
  return {
    update(p) { read(p); load(); },
    destroy() { if (abort) abort.abort(); red.destroy(); },
  };
}
