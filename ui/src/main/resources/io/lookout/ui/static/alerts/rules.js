// Rule groups and their rules with state, health and last error.
import {h, replace} from '../lib/dom.js';
import {ago, matchesFilter} from '../lib/labels.js';

function query(r) {
  const d = r.definition || {};
  if (d.expr) return d.expr;
  return r.query || JSON.stringify(d);
}

export class Rules {
  constructor(container) {
    this.container = container;
  }

  render(data, filter) {
    const groups = (data.groups || []).map((g) => ({...g, rules: g.rules.filter((r) =>
      matchesFilter(filter, g.name, r.name, r.kind, r.state || '', query(r), ...Object.entries(r.labels || {}).map(([k, v]) => `${k}=${v}`)))}))
      .filter((g) => g.rules.length);
    const badFiles = (data.files || []).filter((f) => f.health !== 'ok');
    const problems = [
      ...badFiles.map((f) => h('p', {class: 'error'}, `${f.path}: ${f.lastError}`)),
      data.notificationConfigError ? h('p', {class: 'error'}, `receivers and routes: ${data.notificationConfigError}`) : null,
    ];
    const count = groups.reduce((n, g) => n + g.rules.length, 0);
    if (!groups.length) {
      replace(this.container, h('h3', null, 'Rules'), problems, h('p', {class: 'empty', id: 'no-rules'},
        filter ? `No rule matches “${filter}”.` : 'No rules. Put rule files in LOOKOUT_RULES_DIR or create groups with POST /api/v1/alerting/rules.'));
      return;
    }
    replace(this.container, h('h3', null, `Rules · ${count} in ${groups.length} group${groups.length === 1 ? '' : 's'}`), problems,
      groups.map((g) => h('div', {class: 'rule-group', dataset: {group: g.name}},
        h('h4', null, g.name, h('span', {class: 'muted small'}, ` · every ${g.interval}s · ${g.file || 'API'}${g.readOnly ? ' (read-only)' : ''}`
          + `${ago(g.lastEvaluation) ? ` · evaluated ${ago(g.lastEvaluation)}` : ''}`)),
        h('table', {class: 'grid rules-table'},
          h('thead', null, h('tr', null, ['State', 'Rule', 'Kind', 'Query', 'For', 'Health', 'Active'].map((t) => h('th', null, t)))),
          h('tbody', null, g.rules.map((r) => h('tr', {class: `rule-row state-${r.state || 'recording'}`, dataset: {rule: r.name}},
            h('td', null, h('span', {class: `badge badge-${r.state || 'recording'}`}, r.state || 'recording')),
            h('td', {class: 'alertname'}, r.name),
            h('td', null, r.kind),
            h('td', null, h('code', {class: 'expr'}, query(r))),
            h('td', null, r.for || ''),
            h('td', {title: r.lastError || ''}, h('span', {class: `badge badge-health-${r.health}`}, r.health),
              r.lastError ? h('div', {class: 'error small'}, r.lastError) : null),
            h('td', {class: 'num'}, String((r.alerts || []).filter((a) => a.state !== 'resolved').length)))))))));
  }
}
