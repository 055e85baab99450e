// One trace: /traces/{traceId}?span= — the waterfall, the selected span's details, the trace's logs.
import {get} from '../lib/api.js';
import {COLORS, duration} from '../lib/chart.js';
import {h, replace} from '../lib/dom.js';
import {shortTime} from '../lib/time.js';
import {layout, ticks} from './waterfall.js';

const KIND = {SPAN_KIND_SERVER: 'server', SPAN_KIND_CLIENT: 'client', SPAN_KIND_PRODUCER: 'producer',
  SPAN_KIND_CONSUMER: 'consumer', SPAN_KIND_INTERNAL: 'internal', SPAN_KIND_UNSPECIFIED: ''};
const STATUS = {STATUS_CODE_ERROR: 'error', STATUS_CODE_OK: 'ok', STATUS_CODE_UNSET: 'unset'};

function isError(s) {
  return s.status && s.status.code === 'STATUS_CODE_ERROR';
}

function table(obj, cls = 'fields-table') {
  const entries = Object.entries(obj || {});
  if (!entries.length) return h('p', {class: 'muted'}, 'none');
  return h('table', {class: cls}, entries.map(([k, v]) => h('tr', null, h('th', null, k),
    h('td', null, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)))));
}

export function mount(root, params, traceId) {
  let trace = null;
  let rows = [];
  let selected = params.get('span') || '';
  let cursor = -1;

  const head = h('div', {class: 'trace-head'}, h('a', {href: '/traces', class: 'back'}, '← Traces'),
    h('h2', null, 'Trace ', h('code', null, traceId)));
  const summary = h('div', {id: 'trace-summary', class: 'status'}, 'Loading…');
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  const waterfall = h('div', {id: 'waterfall', class: 'waterfall', tabindex: '0', role: 'tree', 'aria-label': 'Spans of the trace'});
  const details = h('section', {id: 'span-details', class: 'span-details', hidden: true});
  const logs = h('section', {id: 'trace-logs', class: 'trace-logs'});
  replace(root, head, summary, errorBox, h('div', {class: 'trace-body'}, waterfall, details), logs);

  function colorOf(services) {
    const m = new Map();
    services.forEach((s, i) => m.set(s, COLORS[i % COLORS.length]));
    return m;
  }

  function renderWaterfall(l) {
    const services = [...new Set(l.rows.map((r) => r.span.service))].sort();
    const color = colorOf(services);
    const axis = h('div', {class: 'wf-row wf-axis'}, h('div', {class: 'wf-label'}, `${l.rows.length} spans · ${services.length} services`),
      h('div', {class: 'wf-track'}, ticks(l.totalNs).map((t) => {
        const tick = h('span', {class: 'wf-tick'}, t === 0 ? '0' : duration(t));
        tick.style.left = `${(100 * t) / l.totalNs}%`;
        return tick;
      })));
    const lines = l.rows.map((r, i) => {
      const s = r.span;
      const bar = h('span', {class: 'wf-bar'});
      bar.style.left = `${(100 * r.offsetNs) / l.totalNs}%`;
      bar.style.width = `max(2px, ${(100 * r.durationNs) / l.totalNs}%)`;
      bar.style.background = isError(s) ? '' : color.get(s.service);
      const label = h('div', {class: 'wf-label', title: `${s.service}: ${s.name}`},
        h('span', {class: 'wf-indent'}), h('span', {class: 'wf-svc'}, s.service), ' ', h('span', {class: 'wf-name'}, s.name),
        isError(s) ? h('span', {class: 'wf-err', title: s.status.message || 'error'}, '!') : null,
        r.orphan ? h('span', {class: 'muted', title: 'its parent span is not in the trace'}, ' (orphan)') : null);
      label.firstChild.style.width = `${r.depth * 14}px`;
      const row = h('div', {class: `wf-row span-row${isError(s) ? ' span-error' : ''}${s.span_id === selected ? ' selected' : ''}`,
        role: 'treeitem', 'aria-level': r.depth + 1, 'aria-selected': s.span_id === selected ? 'true' : 'false',
        dataset: {spanId: s.span_id, index: i, depth: r.depth}, onclick: () => select(s.span_id)},
      label, h('div', {class: 'wf-track'}, bar, h('span', {class: 'wf-dur'}, duration(r.durationNs))));
      row.querySelector('.wf-dur').style.left = `calc(${(100 * (r.offsetNs + r.durationNs)) / l.totalNs}% + 4px)`;
      return row;
    });
    replace(waterfall, axis, lines);
  }

  function renderDetails() {
    const r = rows.find((x) => x.span.span_id === selected);
    if (!r) {
      details.hidden = true;
      return;
    }
    const s = r.span;
    details.hidden = false;
    const code = STATUS[s.status && s.status.code] || 'unset';
    replace(details,
      h('div', {class: 'ctx-head'}, h('h3', null, s.name),
        h('button', {type: 'button', id: 'close-span', onclick: () => select('')}, 'Close')),
      h('table', {class: 'fields-table span-facts'},
        h('tr', null, h('th', null, 'service'), h('td', null, s.service)),
        h('tr', null, h('th', null, 'span_id'), h('td', null, s.span_id)),
        h('tr', null, h('th', null, 'parent_span_id'), h('td', null, s.parent_span_id || '(root)')),
        h('tr', null, h('th', null, 'kind'), h('td', null, KIND[s.kind] ?? s.kind)),
        h('tr', null, h('th', null, 'start'), h('td', null, shortTime(s.start), ` (+${duration(r.offsetNs)})`)),
        h('tr', null, h('th', null, 'duration'), h('td', null, duration(s.duration_ns))),
        h('tr', null, h('th', null, 'status'), h('td', {class: `status-${code}`, id: 'span-status'},
          code, s.status && s.status.message ? `: ${s.status.message}` : '')),
        s.scope ? h('tr', null, h('th', null, 'scope'), h('td', null, s.scope)) : null),
      h('h4', null, 'Attributes'), table(s.attributes),
      h('h4', null, `Events (${(s.events || []).length})`),
      (s.events || []).length ? h('ul', {class: 'events'}, s.events.map((e) => h('li', null,
        h('span', {class: 'ts'}, shortTime(e.time)), ' ', h('strong', null, e.name), table(e.attributes)))) : h('p', {class: 'muted'}, 'none'),
      h('h4', null, `Links (${(s.links || []).length})`),
      (s.links || []).length ? h('ul', {class: 'links'}, s.links.map((k) => h('li', null,
        h('a', {href: `/traces/${k.trace_id}?span=${k.span_id}`}, `${k.trace_id} / ${k.span_id}`), table(k.attributes)))) : h('p', {class: 'muted'}, 'none'),
      h('h4', null, 'Resource'), table(s.resource),
      h('div', {class: 'actions'}, h('a', {href: `/logs?${new URLSearchParams({query: `span_id:${s.span_id}`, start: 'now-7d'})}`}, 'Logs of this span')));
  }

  function renderLogs(list) {
    if (!list || !list.length) {
      replace(logs, h('h3', null, 'Logs of this trace'), h('p', {class: 'empty'}, 'No logs carry this trace id.'));
      return;
    }
    replace(logs, h('h3', null, `Logs of this trace (${list.length})`),
      h('div', {class: 'log-lines'}, [...list].reverse().map((r) => {
        const n = r.severity_number || 0;
        const sev = n >= 17 ? 'sev-error' : n >= 13 ? 'sev-warn' : n >= 9 ? 'sev-info' : 'sev-debug';
        return h('div', {class: `ctx-line log-line ${sev}`, dataset: {spanId: r.span_id || ''}},
          h('span', {class: 'ts'}, shortTime(r.timestamp)), h('span', {class: 'sev'}, r.severity_text || ''),
          h('span', {class: 'svc'}, r.service),
          r.span_id ? h('button', {type: 'button', class: 'link-button', title: 'Show the span of this line',
            onclick: () => select(r.span_id)}, r.span_id.slice(0, 8)) : null,
          h('span', {class: 'body'}, r.body));
      })),
      h('a', {href: `/logs?${new URLSearchParams({query: `trace_id:${traceId}`, start: 'now-7d'})}`}, 'Open in the log explorer'));
  }

  function select(spanId) {
    selected = spanId;
    const p = new URLSearchParams(location.search);
    if (spanId) p.set('span', spanId);
    else p.delete('span');
    history.replaceState(null, '', `/traces/${traceId}${p.toString() ? `?${p}` : ''}`);
    for (const el of waterfall.querySelectorAll('.span-row')) {
      const on = el.dataset.spanId === spanId;
      el.classList.toggle('selected', on);
      el.setAttribute('aria-selected', on ? 'true' : 'false');
      if (on) cursor = Number(el.dataset.index);
    }
    renderDetails();
  }

  async function load() {
    try {
      const t0 = performance.now();
      trace = await get(`/api/v1/traces/${traceId}`, {include: 'logs'});
      const t1 = performance.now();
      const l = layout(trace.spans);
      rows = l.rows;
      renderWaterfall(l);
      renderDetails();
      renderLogs(trace.logs);
      root.dataset.renderMs = String(Math.round((performance.now() - t1) * 10) / 10);
      root.dataset.fetchMs = String(Math.round(t1 - t0));
      const errors = rows.filter((r) => isError(r.span)).length;
      const rootSpan = rows[0] && rows[0].span;
      summary.textContent = `${rootSpan ? `${rootSpan.service}: ${rootSpan.name} · ` : ''}${rows.length} spans · `
        + `${duration(l.totalNs)} · ${errors} error${errors === 1 ? '' : 's'}${trace.truncated ? ' · truncated (too many spans)' : ''}`
        + (rootSpan ? ` · started ${shortTime(rootSpan.start)} UTC` : '');
      document.title = `Lookout · Trace ${traceId.slice(0, 8)}`;
    } catch (e) {
      summary.textContent = '';
      errorBox.hidden = false;
      errorBox.textContent = e.status === 404
        ? `${e.message}. It may be outside retention, not yet indexed, or in another tenant.` : e.message;
      replace(logs);
    }
  }

  // keyboard: j/k move through spans, Enter selects, Esc closes the details
  function onKey(e) {
    if (e.target.matches('input, textarea, select')) return;
    if (e.key === 'j' || e.key === 'k' || e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!rows.length || (e.key.startsWith('Arrow') && document.activeElement !== waterfall)) return;
      e.preventDefault();
      cursor = Math.max(0, Math.min(rows.length - 1, cursor + (e.key === 'j' || e.key === 'ArrowDown' ? 1 : -1)));
      select(rows[cursor].span.span_id);
      const el = waterfall.querySelector(`.span-row[data-index="${cursor}"]`);
      if (el) el.scrollIntoView({block: 'nearest'});
    } else if (e.key === 'Escape') {
      select('');
    }
  }
  document.addEventListener('keydown', onKey);

  load();
  return {destroy() { document.removeEventListener('keydown', onKey); }};
}
