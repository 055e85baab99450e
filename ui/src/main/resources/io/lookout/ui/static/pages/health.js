// Health: /health?filter= — a board of HTTP probes and service heartbeats (ServiceSilent alerts),
// and Lookout's own readiness. Refreshes itself.
import {get} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {ago, matchesFilter} from '../lib/labels.js';
import {navigate} from '../app.js';

const REFRESH_MS = 10_000;
const HEARTBEAT_GROUP = 'lookout-heartbeat';

async function readiness() {
  try {
    const res = await fetch('/readyz', {headers: {Accept: 'application/json'}});
    const body = await res.json();
    const d = body.detail ?? body.status;
    return {ok: res.ok, detail: typeof d === 'object' ? JSON.stringify(d) : d};
  } catch (e) {
    return {ok: false, detail: `cannot reach the server: ${e.message}`};
  }
}

function tile(cls, title, lines, attrs = {}) {
  return h('div', {class: `tile ${cls}`, tabindex: '0', ...attrs}, h('div', {class: 'tile-title'}, title), lines);
}

export function mount(root, params) {
  let filterText = '';
  let timer = 0;
  let seq = 0;
  const filter = h('input', {id: 'health-filter', type: 'search', class: 'query', placeholder: 'Filter by name or URL',
    'aria-label': 'Filter probes and services'});
  const refreshed = h('span', {class: 'muted small', id: 'refreshed'});
  const form = h('form', {class: 'querybar', onsubmit: (e) => {
    e.preventDefault();
    const v = filter.value.trim();
    navigate(v ? `/health?${new URLSearchParams({filter: v})}` : '/health');
  }}, filter, h('button', {type: 'submit', class: 'primary'}, 'Filter'),
  h('button', {type: 'button', id: 'refresh', onclick: () => refresh()}, 'Refresh'), refreshed);
  const self = h('section', {id: 'self', class: 'panel'});
  const probes = h('section', {id: 'probes', class: 'panel'});
  const beats = h('section', {id: 'heartbeats', class: 'panel'});
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  replace(root, form, errorBox, self, probes, beats);

  function renderProbes(list) {
    const shown = list.filter((p) => matchesFilter(filterText, p.name, p.url, p.status));
    const down = shown.filter((p) => p.status === 'down').length;
    if (!shown.length) {
      replace(probes, h('h3', null, 'Probes'), h('p', {class: 'empty', id: 'no-probes'}, filterText ? `No probe matches “${filterText}”.`
        : 'No probes. Add probes: to a rule file, or POST /api/v1/alerting/probes, to check HTTP endpoints on a schedule.'));
      return;
    }
    shown.sort((a, b) => (a.status === 'down' ? 0 : 1) - (b.status === 'down' ? 0 : 1) || a.name.localeCompare(b.name));
    replace(probes, h('h3', null, `Probes · ${shown.length - down} up, ${down} down`), h('div', {class: 'tiles'}, shown.map((p) =>
      tile(`probe status-${p.status}`, h('span', null, h('span', {class: `badge badge-${p.status}`}, p.status), ' ', p.name), [
        h('div', {class: 'small'}, h('code', null, `${p.method || 'GET'} ${p.url}`)),
        h('div', {class: 'muted small'}, p.lastRun ? `HTTP ${p.httpStatus || '—'} in ${Math.round((p.durationSeconds || 0) * 1000)} ms · ${ago(p.lastRun)}`
          : `not run yet · every ${p.interval}`),
        p.error ? h('div', {class: 'error small'}, p.error) : null,
        p.certExpiry ? h('div', {class: 'muted small'}, `certificate expires ${ago(p.certExpiry)}`) : null,
      ], {dataset: {probe: p.name}, title: `expects ${p.expectStatus}, every ${p.interval}, timeout ${p.timeout} (${p.source})`}))));
  }

  function renderBeats(rules) {
    const group = (rules.groups || []).find((g) => g.name === HEARTBEAT_GROUP);
    const rule = group && group.rules.find((r) => r.kind === 'heartbeat');
    if (!rule) {
      replace(beats, h('h3', null, 'Heartbeats'), h('p', {class: 'empty'},
        'Heartbeat detection is off (LOOKOUT_HEARTBEAT_THRESHOLD=0): services that stop sending are not noticed.'));
      return;
    }
    const threshold = rule.definition && rule.definition.heartbeat ? rule.definition.heartbeat.threshold : '';
    const silent = (rule.alerts || []).filter((a) => a.state !== 'resolved')
      .filter((a) => matchesFilter(filterText, a.labels.service || ''));
    const recovered = (rule.alerts || []).filter((a) => a.state === 'resolved').filter((a) => matchesFilter(filterText, a.labels.service || ''));
    replace(beats, h('h3', null, `Heartbeats · ${silent.length} silent service${silent.length === 1 ? '' : 's'}`),
      h('p', {class: 'muted small'}, `A service that sent logs or spans recently and then nothing for ${threshold} raises ServiceSilent.`
        + ` Last check ${ago(rule.lastEvaluation) || 'pending'}.`),
      silent.length ? h('div', {class: 'tiles'}, silent.map((a) => tile(`heartbeat status-down state-${a.state}`,
        h('span', null, h('span', {class: `badge badge-${a.state}`}, a.state === 'firing' ? 'silent' : a.state), ' ', a.labels.service || '?'), [
          h('div', {class: 'muted small'}, (a.annotations && a.annotations.summary) || ''),
          h('div', {class: 'muted small'}, `since ${ago(a.activeAt)}`),
          h('a', {href: `/logs?${new URLSearchParams({query: `service:"${a.labels.service || ''}"`, start: 'now-24h'})}`}, 'Last logs'),
        ], {dataset: {service: a.labels.service || ''}})))
        : h('p', {class: 'empty', id: 'no-silent'}, 'Every service that was sending is still sending.'),
      recovered.length ? h('p', {class: 'muted small'}, `Recovered: ${recovered.map((a) => a.labels.service).join(', ')}`) : null);
  }

  async function refresh() {
    const my = ++seq;
    clearTimeout(timer);
    const [ready, probeData, rules] = await Promise.all([readiness(),
      get('/api/v1/alerting/probes').catch((e) => e), get('/api/v1/alerting/rules').catch((e) => e)]);
    if (my !== seq) return;
    replace(self, h('h3', null, 'Lookout'), h('div', {class: 'tiles'}, tile(`status-${ready.ok ? 'up' : 'down'}`,
      h('span', null, h('span', {class: `badge badge-${ready.ok ? 'up' : 'down'}`}, ready.ok ? 'ready' : 'not ready'), ' this server'),
      [h('div', {class: 'muted small'}, String(ready.detail || ''))], {id: 'self-tile'})));
    const failed = [probeData, rules].find((x) => x instanceof Error);
    errorBox.hidden = !failed;
    errorBox.textContent = failed ? failed.message : '';
    if (!(probeData instanceof Error)) renderProbes(probeData.probes || []);
    if (!(rules instanceof Error)) renderBeats(rules);
    refreshed.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC, every ${REFRESH_MS / 1000}s`;
    timer = setTimeout(refresh, REFRESH_MS);
  }

  function read(p) {
    filterText = p.get('filter') || '';
    filter.value = filterText;
  }

  read(params);
  refresh();
  return {update(p) { read(p); refresh(); }, destroy() { seq++; clearTimeout(timer); }};
}
