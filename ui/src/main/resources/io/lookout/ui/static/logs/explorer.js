// The log explorer: /logs?query=&start=&end=&sel=&live=
import {get} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {PRESETS, fromLocalInput, iso, label, shortTime, toLocalInput, toMillis} from '../lib/time.js';
import {navigate} from '../app.js';
import {FieldSidebar} from './fields.js';
import {MatchHistogram} from './histogram.js';
import {VirtualList} from './list.js';
import {LiveTail} from './tail.js';

const PAGE = 1000; // hits per request
const MAX_ROWS = 10000; // rows the page holds at most (search pages and live tail)
const ROW_HEIGHT = 24;
const HISTORY_KEY = 'lookout.logs.history';
const HISTORY_MAX = 30;
const HELP = [
  ['timeout', 'the word in the body'],
  ['"connection refused"', 'a phrase'],
  ['service:checkout AND severity:error', 'fields, combined (AND is the default between terms)'],
  ['attributes.http.status_code:500', 'an attribute; resource.host.name:web-1 for a resource attribute'],
  ['severity_number:[17 TO 24]', 'a range'],
  ['timeout OR refused', 'either; NOT and -word exclude'],
  ['time*', 'a prefix (wildcard)'],
  ['trace_id:4bf92f3577b34da6a3ce929d0e0e4736', 'the lines of one trace'],
];

function pastQueries() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) || '[]');
  } catch (e) {
    return [];
  }
}

function remember(query) {
  if (!query) return;
  const list = [query, ...pastQueries().filter((q) => q !== query)].slice(0, HISTORY_MAX);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
  } catch (e) {
    // storage full or disabled: history is a convenience
  }
}

/** field:"value" with quotes and backslashes escaped. */
export function term(field, value) {
  const v = String(value);
  if (field === 'severity_number' && /^\d+$/.test(v)) return `${field}:${v}`;
  return `${field}:"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Adds a filter to a query (AND). */
export function addTerm(query, t) {
  const q = (query || '').trim();
  if (!q || q === '*') return t;
  return /\bOR\b/.test(q) ? `(${q}) AND ${t}` : `${q} AND ${t}`;
}

export function mount(root, params) {
  const state = {query: '', start: 'now-1h', end: 'now', sel: '', live: false};
  let abort = null;
  let nextCursor = null;
  let loading = false;

  // ---- layout
  const input = h('input', {id: 'query', class: 'query', type: 'search', list: 'query-history', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'Search logs (Lucene syntax), e.g. service:checkout AND timeout',
    'aria-label': 'Log query'});
  const datalist = h('datalist', {id: 'query-history'});
  const presetSelect = h('select', {id: 'range', 'aria-label': 'Time range'},
    PRESETS.map(([v, l]) => h('option', {value: v}, l)), h('option', {value: 'custom'}, 'Custom…'));
  const startInput = h('input', {type: 'datetime-local', step: '1', id: 'range-start', 'aria-label': 'Start (UTC)'});
  const endInput = h('input', {type: 'datetime-local', step: '1', id: 'range-end', 'aria-label': 'End (UTC)'});
  const custom = h('span', {class: 'custom-range', hidden: true}, startInput, '→', endInput, h('span', {class: 'muted'}, 'UTC'));
  const liveButton = h('button', {type: 'button', id: 'live', class: 'toggle', title: 'Stream new matching lines (l)'}, 'Live');
  const pauseButton = h('button', {type: 'button', id: 'pause', hidden: true}, 'Pause');
  const help = h('details', {class: 'help'}, h('summary', null, 'Syntax'),
    h('table', null, HELP.map(([q, d]) => h('tr', null, h('td', null, h('code', null, q)), h('td', null, d)))));
  const form = h('form', {class: 'querybar', onsubmit: (e) => { e.preventDefault(); submit(); }},
    input, datalist, presetSelect, custom, h('button', {type: 'submit', class: 'primary'}, 'Search'), liveButton, pauseButton);
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  const status = h('div', {id: 'status', class: 'status'});
  const histoBox = h('div', {id: 'histogram', class: 'histogram', title: 'Drag across the chart to zoom into a range'});
  const sideBox = h('aside', {id: 'fields', class: 'sidebar'});
  const listBox = h('div', {id: 'results', class: 'results', tabindex: '0'});
  const moreButton = h('button', {type: 'button', id: 'more', hidden: true, onclick: () => loadMore()}, 'Load more');
  const emptyBox = h('div', {id: 'empty', class: 'empty', hidden: true});
  const contextBox = h('section', {id: 'context', class: 'context', hidden: true});
  replace(root, form, help, errorBox, h('div', {class: 'histo-row'}, histoBox),
    h('div', {class: 'explorer'}, sideBox,
      h('div', {class: 'main'}, status, emptyBox, listBox, moreButton, contextBox)));

  const histogram = new MatchHistogram(histoBox, (startMs, endMs) => {
    state.start = iso(startMs);
    state.end = iso(endMs);
    push();
  });
  const sidebar = new FieldSidebar(sideBox, (field, value) => addFilter(field, value));
  const list = new VirtualList(listBox, {
    rowHeight: ROW_HEIGHT,
    renderRow,
    renderDetail,
    onToggle: (i) => {
      state.sel = i === null ? '' : selKey(list.items[i]);
      history.replaceState(null, '', url());
    },
  });
  const tail = new LiveTail((hits) => {
    emptyBox.hidden = true;
    list.prepend(hits, MAX_ROWS);
    setStatus(`${list.length} line${list.length === 1 ? '' : 's'} (live, newest first, at most ${MAX_ROWS} kept)`);
  }, (text, isError) => {
    liveButton.textContent = `Live: ${text}`;
    liveButton.classList.toggle('bad', isError);
  }, MAX_ROWS);

  // ---- state <-> URL
  function read(p) {
    state.query = p.get('query') || '';
    state.start = p.get('start') || 'now-1h';
    state.end = p.get('end') || 'now';
    state.sel = p.get('sel') || '';
    state.live = p.get('live') === '1';
  }

  function url() {
    const p = new URLSearchParams();
    if (state.query) p.set('query', state.query);
    p.set('start', state.start);
    if (state.end && state.end !== 'now') p.set('end', state.end);
    if (state.sel) p.set('sel', state.sel);
    if (state.live) p.set('live', '1');
    return `/logs?${p}`;
  }

  function push() {
    navigate(url());
  }

  function submit() {
    state.query = input.value.trim();
    if (presetSelect.value === 'custom') {
      state.start = fromLocalInput(startInput.value) || state.start;
      state.end = fromLocalInput(endInput.value) || 'now';
    } else {
      state.start = presetSelect.value;
      state.end = 'now';
    }
    state.sel = '';
    push();
  }

  function addFilter(field, value) {
    state.query = addTerm(state.query, term(field, value));
    state.sel = '';
    push();
  }

  function showControls() {
    input.value = state.query;
    replace(datalist, pastQueries().map((q) => h('option', {value: q})));
    const preset = PRESETS.some(([v]) => v === state.start) && state.end === 'now';
    presetSelect.value = preset ? state.start : 'custom';
    custom.hidden = preset;
    startInput.value = toLocalInput(toMillis(state.start));
    endInput.value = state.end === 'now' ? '' : toLocalInput(toMillis(state.end));
    liveButton.classList.toggle('on', state.live);
    liveButton.textContent = state.live ? 'Live' : 'Live';
    pauseButton.hidden = !state.live;
    pauseButton.textContent = 'Pause';
  }

  presetSelect.addEventListener('change', () => {
    custom.hidden = presetSelect.value !== 'custom';
    if (presetSelect.value !== 'custom') submit();
  });
  liveButton.addEventListener('click', () => {
    state.live = !state.live;
    push();
  });
  pauseButton.addEventListener('click', () => {
    if (tail.paused) {
      tail.resume();
      pauseButton.textContent = 'Pause';
    } else {
      tail.pause();
      pauseButton.textContent = 'Resume';
    }
  });

  // ---- rendering
  function selKey(r) {
    return `${r.timestamp}`;
  }

  function severityClass(r) {
    const n = r.severity_number || 0;
    return n >= 17 ? 'sev-error' : n >= 13 ? 'sev-warn' : n >= 9 ? 'sev-info' : n >= 1 ? 'sev-debug' : 'sev-none';
  }

  function renderRow(r, i) {
    return h('div', {class: `row ${severityClass(r)}`, onclick: (e) => {
      if (e.target.closest('.detail')) return;
      list.toggle(i);
    }},
    h('span', {class: 'ts'}, shortTime(r.timestamp)),
    h('span', {class: 'sev'}, r.severity_text || ''),
    h('span', {class: 'svc'}, r.service),
    h('span', {class: 'body'}, r.body));
  }

  function valueButton(field, value) {
    return h('button', {type: 'button', class: 'field-value', dataset: {field}, title: `Add ${field}:"${value}" to the query`,
      onclick: (e) => { e.stopPropagation(); addFilter(field, value); }}, String(value));
  }

  function renderDetail(r) {
    const rows = [];
    const add = (name, value, filterField) => {
      if (value === '' || value === null || value === undefined) return;
      const shown = typeof value === 'object' ? JSON.stringify(value) : String(value);
      rows.push(h('tr', null, h('th', null, name),
        h('td', null, filterField && typeof value !== 'object' ? valueButton(filterField, shown) : h('span', null, shown))));
    };
    add('timestamp', r.timestamp);
    add('observed_timestamp', r.observed_timestamp);
    add('severity', r.severity_text, 'severity');
    add('severity_number', r.severity_number, 'severity_number');
    add('service', r.service, 'service');
    add('trace_id', r.trace_id, 'trace_id');
    add('span_id', r.span_id, 'span_id');
    add('scope', r.scope, 'scope');
    for (const [k, v] of Object.entries(r.attributes || {})) add(`attributes.${k}`, v, `attributes.${k}`);
    for (const [k, v] of Object.entries(r.resource || {})) add(`resource.${k}`, v, `resource.${k}`);
    const actions = h('div', {class: 'actions'},
      r.trace_id ? h('a', {href: `/traces/${r.trace_id}`, class: 'trace-link'}, 'View trace') : null,
      h('button', {type: 'button', class: 'context-button', onclick: (e) => { e.stopPropagation(); showContext(r); }},
        'Show surrounding lines'));
    return h('div', {class: 'detail', onclick: (e) => e.stopPropagation()},
      h('pre', {class: 'detail-body'}, r.body), h('table', {class: 'fields-table'}, rows), actions);
  }

  async function showContext(r) {
    contextBox.hidden = false;
    replace(contextBox, h('h3', null, `Around ${shortTime(r.timestamp)} · ${r.service}`), h('p', {class: 'muted'}, 'Loading…'));
    const host = r.resource && r.resource['host.name'];
    try {
      const data = await get('/api/v1/logs/context', {timestamp: r.timestamp, service: r.service, host, before: 20, after: 20});
      const line = (x, cls) => h('div', {class: `ctx-line ${cls}`}, h('span', {class: 'ts'}, shortTime(x.timestamp)),
        h('span', {class: 'sev'}, x.severity_text || ''), h('span', {class: 'body'}, x.body));
      const lines = [...data.before.hits.map((x) => line(x, '')),
        ...data.at.hits.map((x) => line(x, x.body === r.body ? 'anchor' : '')),
        ...data.after.hits.map((x) => line(x, ''))];
      replace(contextBox, h('div', {class: 'ctx-head'},
        h('h3', null, `Around ${shortTime(r.timestamp)} · ${r.service}${host ? ` · ${host}` : ''}`),
        h('button', {type: 'button', onclick: () => { contextBox.hidden = true; }}, 'Close')),
      h('div', {class: 'ctx-lines'}, lines));
      const anchor = contextBox.querySelector('.anchor');
      if (anchor) anchor.scrollIntoView({block: 'center'});
    } catch (e) {
      replace(contextBox, h('p', {class: 'error'}, e.message));
    }
  }

  function setStatus(text) {
    status.textContent = text;
  }

  function showError(message) {
    errorBox.hidden = !message;
    errorBox.textContent = message || '';
  }

  // ---- loading
  async function load() {
    if (abort) abort.abort();
    abort = new AbortController();
    const signal = abort.signal;
    tail.stop();
    showControls();
    showError('');
    contextBox.hidden = true;
    emptyBox.hidden = true;
    moreButton.hidden = true;
    setStatus('Searching…');
    const range = {start: state.start, end: state.end === 'now' ? undefined : state.end};
    sidebar.load({query: state.query, ...range});
    const histo = get('/api/v1/logs/histogram', {query: state.query, ...range}, signal)
      .then((d) => histogram.set(d)).catch(() => {});
    loading = true;
    const t0 = performance.now();
    try {
      const page = await get('/api/v1/logs', {query: state.query, ...range, limit: PAGE}, signal);
      const t1 = performance.now();
      remember(state.query);
      nextCursor = page.next_cursor;
      list.setItems(page.hits);
      root.dataset.renderMs = String(Math.round((performance.now() - t1) * 10) / 10);
      root.dataset.fetchMs = String(Math.round(t1 - t0));
      moreButton.hidden = !nextCursor;
      if (!page.hits.length) {
        emptyBox.hidden = false;
        replace(emptyBox, h('p', null, `No logs match ${state.query ? `“${state.query}”` : 'in this range'} (${label(state.start, state.end)}).`),
          h('p', {class: 'muted'}, 'Widen the time range, remove a filter, or check the syntax help.'));
      }
      setStatus(`${page.hits.length}${nextCursor ? '+' : ''} line${page.hits.length === 1 ? '' : 's'}, newest first · ${label(state.start, state.end)}`);
      if (state.sel) {
        const i = page.hits.findIndex((r) => selKey(r) === state.sel);
        if (i >= 0) {
          list.toggle(i);
          list.reveal(i);
        }
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      list.setItems([]);
      setStatus('');
      showError(e.message);
    } finally {
      loading = false;
    }
    await histo;
    if (state.live && !signal.aborted) tail.start(state.query);
  }

  async function loadMore() {
    if (!nextCursor || loading || list.length >= MAX_ROWS) return;
    loading = true;
    moreButton.disabled = true;
    try {
      const range = {start: state.start, end: state.end === 'now' ? undefined : state.end};
      const page = await get('/api/v1/logs', {query: state.query, ...range, limit: PAGE, cursor: nextCursor});
      nextCursor = page.next_cursor;
      list.items = list.items.concat(page.hits).slice(0, MAX_ROWS);
      list.render();
      moreButton.hidden = !nextCursor || list.length >= MAX_ROWS;
      setStatus(`${list.length}${nextCursor ? '+' : ''} lines, newest first · ${label(state.start, state.end)}`);
    } catch (e) {
      showError(e.message);
    } finally {
      loading = false;
      moreButton.disabled = false;
    }
  }

  // ---- keyboard: / focuses the query, j/k move, Enter or o expands, Esc closes
  let cursor = -1;
  function onKey(e) {
    if (e.target.matches('input, textarea, select')) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    if (e.key === '/') {
      e.preventDefault();
      input.focus();
      input.select();
    } else if (e.key === 'j' || e.key === 'k') {
      cursor = Math.max(0, Math.min(list.length - 1, cursor + (e.key === 'j' ? 1 : -1)));
      list.reveal(cursor);
      for (const el of listBox.querySelectorAll('.vrow')) el.classList.toggle('cursor', Number(el.dataset.index) === cursor);
    } else if ((e.key === 'Enter' || e.key === 'o') && cursor >= 0) {
      list.toggle(cursor);
    } else if (e.key === 'Escape') {
      contextBox.hidden = true;
      if (list.expanded !== null) list.toggle(list.expanded);
    } else if (e.key === 'l') {
      liveButton.click();
    }
  }
  document.addEventListener('keydown', onKey);

  read(params);
  load();
  return {
    update(p) {
      read(p);
      load();
    },
    destroy() {
      if (abort) abort.abort();
      tail.stop();
      histogram.destroy();
      sidebar.destroy();
      list.destroy();
      document.removeEventListener('keydown', onKey);
    },
  };
}
