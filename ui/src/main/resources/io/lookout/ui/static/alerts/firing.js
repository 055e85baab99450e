// Firing and pending alerts, with acknowledge and "silence like this".
import {send} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {ago, labelChips, matchesFilter} from '../lib/labels.js';
import {silencedBy} from './silences.js';

const ORDER = {firing: 0, pending: 1, resolved: 2};

export class AlertList {
  /** onChange() after an acknowledgement; onSilence(labels) to open the silence form. */
  constructor(container, onChange, onSilence) {
    this.container = container;
    this.onChange = onChange;
    this.onSilence = onSilence;
    this.message = h('div', {class: 'error', role: 'alert', hidden: true});
  }

  render(alerts, acks, silences, filter) {
    const acked = new Map(acks.map((a) => [a.fingerprint, a]));
    const active = alerts.filter((a) => a.state !== 'resolved')
      .filter((a) => matchesFilter(filter, a.state, ...Object.entries(a.labels).map(([k, v]) => `${k}=${v}`),
        ...Object.values(a.annotations || {})))
      .sort((a, b) => ORDER[a.state] - ORDER[b.state] || (a.labels.alertname || '').localeCompare(b.labels.alertname || ''));
    const firing = active.filter((a) => a.state === 'firing').length;
    const head = h('h3', null, `Alerts · ${firing} firing, ${active.length - firing} pending`);
    if (!active.length) {
      replace(this.container, head, this.message, h('p', {class: 'empty', id: 'no-alerts'},
        filter ? `No firing or pending alert matches “${filter}”.` : 'No alert is firing or pending. All quiet.'));
      return;
    }
    replace(this.container, head, this.message, h('table', {class: 'grid', id: 'alerts-table'},
      h('thead', null, h('tr', null, ['State', 'Alert', 'Labels', 'Since', 'Value', 'Summary', ''].map((t) => h('th', null, t)))),
      h('tbody', null, active.map((a) => this.row(a, acked.get(a.fingerprint), silencedBy(silences, a.labels))))));
  }

  row(a, ack, silence) {
    const since = a.state === 'firing' ? a.firedAt || a.activeAt : a.activeAt;
    const summary = (a.annotations && (a.annotations.summary || a.annotations.description)) || '';
    return h('tr', {class: `alert-row state-${a.state}`, dataset: {fingerprint: a.fingerprint, alertname: a.labels.alertname || ''}},
      h('td', null, h('span', {class: `badge badge-${a.state}`}, a.state),
        ack ? h('span', {class: 'badge badge-ack', title: `acknowledged by ${ack.createdBy || 'someone'} ${ago(ack.createdAt)}${ack.comment ? `: ${ack.comment}` : ''}`}, 'acked') : null,
        silence ? h('span', {class: 'badge badge-silenced', title: `silenced until ${silence.endsAt}`}, 'silenced') : null),
      h('td', {class: 'alertname'}, a.labels.alertname || ''),
      h('td', null, labelChips(a.labels, ['alertname'])),
      h('td', {title: since}, ago(since)),
      h('td', {class: 'num'}, a.value === undefined ? '' : String(a.value)),
      h('td', null, summary),
      h('td', {class: 'row-actions'},
        a.state === 'firing' && !ack ? h('button', {type: 'button', class: 'ack-button', onclick: () => this.ack(a)}, 'Acknowledge') : null,
        a.state === 'firing' && ack ? h('button', {type: 'button', class: 'unack-button', onclick: () => this.unack(a)}, 'Un-ack') : null,
        h('button', {type: 'button', class: 'silence-button', onclick: () => this.onSilence(a.labels)}, 'Silence…')));
  }

  async ack(a) {
    this.message.hidden = true;
    try {
      await send('POST', '/api/v1/alerting/acks', {fingerprint: a.fingerprint, createdBy: localStorage.getItem('lookout.user') || 'web ui'});
      this.onChange();
    } catch (e) {
      this.message.hidden = false;
      this.message.textContent = e.message;
    }
  }

  async unack(a) {
    this.message.hidden = true;
    try {
      await send('DELETE', `/api/v1/alerting/acks/${encodeURIComponent(a.fingerprint)}`);
      this.onChange();
    } catch (e) {
      this.message.hidden = false;
      this.message.textContent = e.message;
    }
  }
}
