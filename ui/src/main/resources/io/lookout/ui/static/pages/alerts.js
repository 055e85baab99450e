// Alerts: /alerts?filter=&section= — firing and pending alerts (acknowledge, silence), silences
// (create with matchers and a duration, expire), rules with their state, the notification log.
import {get} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {navigate} from '../app.js';
import {AlertList} from '../alerts/firing.js';
import {Silences} from '../alerts/silences.js';
import {Rules} from '../alerts/rules.js';
import {Notifications} from '../alerts/notifications.js';

const REFRESH_MS = 10_000;
const SECTIONS = [['alerts', 'Alerts'], ['silences', 'Silences'], ['rules', 'Rules'], ['notifications', 'Notifications']];

export function mount(root, params) {
  let state = {filter: '', section: ''};
  let timer = 0;
  let seq = 0;
  const filter = h('input', {id: 'alert-filter', type: 'search', class: 'query', spellcheck: 'false',
    placeholder: 'Filter by name, label or text, e.g. severity=page checkout', 'aria-label': 'Filter alerts, rules and silences'});
  const refreshed = h('span', {class: 'muted small', id: 'refreshed'});
  const form = h('form', {class: 'querybar', onsubmit: (e) => { e.preventDefault(); go({filter: filter.value.trim()}); }},
    filter, h('button', {type: 'submit', class: 'primary'}, 'Filter'),
    h('button', {type: 'button', id: 'refresh', onclick: () => refresh()}, 'Refresh'), refreshed);
  const tabs = h('nav', {class: 'tabs', 'aria-label': 'Sections'}, SECTIONS.map(([id, name]) =>
    h('a', {href: `/alerts?section=${id}`, dataset: {section: id}}, name)));
  const errorBox = h('div', {id: 'query-error', class: 'error', role: 'alert', hidden: true});
  const boxes = Object.fromEntries(SECTIONS.map(([id]) => [id, h('section', {id: `section-${id}`, class: 'panel'})]));
  replace(root, form, tabs, errorBox, SECTIONS.map(([id]) => boxes[id]));

  const silences = new Silences(boxes.silences, () => refresh());
  const alerts = new AlertList(boxes.alerts, () => refresh(), (labels) => {
    silences.prefill(labels);
    go({section: 'silences'});
  });
  const rules = new Rules(boxes.rules);
  const notifications = new Notifications(boxes.notifications);

  function url(s) {
    const p = new URLSearchParams();
    if (s.filter) p.set('filter', s.filter);
    if (s.section) p.set('section', s.section);
    return `/alerts${p.toString() ? `?${p}` : ''}`;
  }

  function go(change) {
    navigate(url({...state, ...change}));
  }

  function read(p) {
    state = {filter: p.get('filter') || '', section: p.get('section') || ''};
    state.section = SECTIONS.some(([id]) => id === state.section) ? state.section : '';
    filter.value = state.filter;
    for (const a of tabs.querySelectorAll('a')) {
      const p2 = new URLSearchParams();
      if (state.filter) p2.set('filter', state.filter);
      p2.set('section', a.dataset.section);
      a.href = `/alerts?${p2}`;
      a.classList.toggle('active', a.dataset.section === state.section);
      if (a.dataset.section === state.section) a.setAttribute('aria-current', 'page');
      else a.removeAttribute('aria-current');
    }
    // one section, or all of them stacked
    for (const [id] of SECTIONS) boxes[id].hidden = Boolean(state.section) && state.section !== id;
  }

  async function refresh() {
    const my = ++seq;
    clearTimeout(timer);
    const [rulesData, alertsData, acks, silenceList, notes] = await Promise.all([
      get('/api/v1/alerting/rules'), get('/api/v1/alerting/alerts'), get('/api/v1/alerting/acks'),
      get('/api/v1/alerting/silences'), get('/api/v1/alerting/notifications', {limit: 100}),
    ].map((p) => p.catch((e) => e)));
    if (my !== seq) return;
    const failed = [rulesData, alertsData, acks, silenceList, notes].find((x) => x instanceof Error);
    errorBox.hidden = !failed;
    errorBox.textContent = failed ? failed.message : '';
    const ok = (x, fallback) => (x instanceof Error ? fallback : x);
    alerts.render(ok(alertsData, {alerts: []}).alerts, ok(acks, []), ok(silenceList, []), state.filter);
    silences.render(ok(silenceList, []), state.filter);
    rules.render(ok(rulesData, {groups: [], files: []}), state.filter);
    notifications.render(ok(notes, []), state.filter);
    refreshed.textContent = `updated ${new Date().toISOString().slice(11, 19)} UTC, every ${REFRESH_MS / 1000}s`;
    timer = setTimeout(refresh, REFRESH_MS);
  }

  read(params);
  refresh();
  return {
    update(p) { read(p); refresh(); },
    destroy() { seq++; clearTimeout(timer); },
  };
}
