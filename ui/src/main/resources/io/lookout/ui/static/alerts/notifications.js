// The notification log: what was sent to which receiver, and how delivery went.
import {h, replace} from '../lib/dom.js';
import {ago, matchesFilter} from '../lib/labels.js';

export class Notifications {
  constructor(container) {
    this.container = container;
  }

  render(entries, filter) {
    const shown = entries.filter((e) => matchesFilter(filter, e.receiver, e.groupKey, e.state, e.status, e.reason || ''));
    if (!shown.length) {
      replace(this.container, h('h3', null, 'Notifications'), h('p', {class: 'empty', id: 'no-notifications'},
        filter ? `No notification matches “${filter}”.` : 'No notifications sent yet (a receiver and a route in a rule file send them).'));
      return;
    }
    replace(this.container, h('h3', null, `Notifications · newest ${shown.length}`), h('table', {class: 'grid', id: 'notifications-table'},
      h('thead', null, h('tr', null, ['Created', 'Receiver', 'Group', 'Alerts', 'State', 'Attempts', 'Last attempt'].map((t) => h('th', null, t)))),
      h('tbody', null, shown.map((e) => {
        const last = (e.attempts || [])[e.attempts.length - 1];
        return h('tr', {class: `notification-row state-${e.state}`},
          h('td', {title: e.createdAt}, ago(e.createdAt)),
          h('td', null, e.receiver),
          h('td', null, h('code', null, e.groupKey)),
          h('td', null, `${e.firing} firing, ${e.resolved} resolved (${e.status})`),
          h('td', null, h('span', {class: `badge badge-${e.state}`}, e.state), e.reason ? h('div', {class: 'muted small'}, e.reason) : null),
          h('td', {class: 'num'}, String(e.attemptCount)),
          h('td', null, last ? `${last.statusCode || ''} ${last.error || ''} ${ago(last.at)}`.trim() : '',
            e.nextAttemptAt ? h('div', {class: 'muted small'}, `next ${ago(e.nextAttemptAt)}`) : null));
      }))));
  }
}
