// Silences: a form (matchers, duration, who, why) and the list, with expire.
import {send} from '../lib/api.js';
import {h, replace} from '../lib/dom.js';
import {ago, matcher, matchesFilter} from '../lib/labels.js';

const USER_KEY = 'lookout.user';
const DURATIONS = ['30m', '1h', '2h', '4h', '12h', '1d', '3d', '7d'];

/** Parses a matcher string as the list shows it: name="v", name!="v", name=~"re", name!~"re". */
export function parseMatcher(text) {
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(text);
  if (!m) return null;
  return {name: m[1], op: m[2], value: m[3].replace(/\\(.)/g, '$1')};
}

function holds(m, labels) {
  const v = labels[m.name] ?? '';
  switch (m.op) {
    case '=': return v === m.value;
    case '!=': return v !== m.value;
    default: {
      let re;
      try {
        re = new RegExp(`^(?:${m.value})$`);
      } catch (e) {
        return false;
      }
      return m.op === '=~' ? re.test(v) : !re.test(v);
    }
  }
}

/** The active silence whose matchers all hold for labels, or null (unparsable matchers never match). */
export function silencedBy(silences, labels) {
  return silences.find((s) => s.status && s.status.state === 'active' && s.matchers.length
    && s.matchers.every((t) => { const m = parseMatcher(t); return m !== null && holds(m, labels); })) || null;
}

export class Silences {
  constructor(container, onChange) {
    this.container = container;
    this.onChange = onChange;
    this.matchers = h('input', {id: 'silence-matchers', class: 'query', spellcheck: 'false', required: true,
      placeholder: 'alertname="HighErrorRate", service=~"checkout|cart"', 'aria-label': 'Matchers'});
    this.duration = h('input', {id: 'silence-duration', class: 'dur', value: '2h', list: 'silence-durations', required: true,
      'aria-label': 'Duration (such as 2h)'});
    this.createdBy = h('input', {id: 'silence-by', class: 'who', required: true, placeholder: 'your name',
      value: localStorage.getItem(USER_KEY) || '', 'aria-label': 'Created by'});
    this.comment = h('input', {id: 'silence-comment', class: 'why', placeholder: 'why (maintenance, known issue…)', 'aria-label': 'Comment'});
    this.formError = h('div', {id: 'silence-error', class: 'error', role: 'alert', hidden: true});
    this.form = h('form', {class: 'silence-form', id: 'silence-form', onsubmit: (e) => { e.preventDefault(); this.create(); }},
      h('h3', null, 'New silence'),
      h('div', {class: 'querybar'}, h('label', null, 'Matchers ', this.matchers)),
      h('div', {class: 'querybar'}, h('label', null, 'For ', this.duration),
        h('datalist', {id: 'silence-durations'}, DURATIONS.map((d) => h('option', {value: d}))),
        h('label', null, 'By ', this.createdBy), h('label', {class: 'grow'}, 'Comment ', this.comment),
        h('button', {type: 'submit', class: 'primary', id: 'silence-create'}, 'Create silence')),
      this.formError);
    this.list = h('div', {id: 'silence-list'});
    replace(container, this.form, this.list);
  }

  /** Fills the matchers from an alert's labels (the user trims them before creating). */
  prefill(labels) {
    this.matchers.value = Object.entries(labels).map(([k, v]) => matcher(k, v)).join(', ');
    this.formError.hidden = true;
    queueMicrotask(() => this.matchers.focus());
  }

  async create() {
    this.formError.hidden = true;
    const by = this.createdBy.value.trim();
    try {
      localStorage.setItem(USER_KEY, by);
    } catch (e) {
      // a convenience
    }
    try {
      await send('POST', '/api/v1/alerting/silences', {matchers: [this.matchers.value.trim()],
        duration: this.duration.value.trim(), createdBy: by, comment: this.comment.value.trim()});
      this.matchers.value = '';
      this.comment.value = '';
      this.onChange();
    } catch (e) {
      this.formError.hidden = false;
      this.formError.textContent = e.message;
    }
  }

  async expire(s) {
    this.formError.hidden = true;
    try {
      await send('DELETE', `/api/v1/alerting/silences/${encodeURIComponent(s.id)}`);
      this.onChange();
    } catch (e) {
      this.formError.hidden = false;
      this.formError.textContent = e.message;
    }
  }

  render(silences, filter) {
    const shown = silences.filter((s) => matchesFilter(filter, s.status.state, s.createdBy, s.comment, ...s.matchers));
    const order = {active: 0, pending: 1, expired: 2};
    shown.sort((a, b) => order[a.status.state] - order[b.status.state]);
    const active = shown.filter((s) => s.status.state !== 'expired').length;
    if (!shown.length) {
      replace(this.list, h('h3', null, 'Silences'), h('p', {class: 'empty', id: 'no-silences'},
        filter ? `No silence matches “${filter}”.` : 'No silences. Create one above to mute matching alerts for a while.'));
      return;
    }
    replace(this.list, h('h3', null, `Silences · ${active} active or pending`), h('table', {class: 'grid', id: 'silences-table'},
      h('thead', null, h('tr', null, ['State', 'Matchers', 'Starts', 'Ends', 'By', 'Comment', ''].map((t) => h('th', null, t)))),
      h('tbody', null, shown.map((s) => h('tr', {class: `silence-row state-${s.status.state}`, dataset: {id: s.id}},
        h('td', null, h('span', {class: `badge badge-${s.status.state}`}, s.status.state)),
        h('td', {class: 'matchers'}, s.matchers.map((m) => h('code', {class: 'label-chip'}, m))),
        h('td', {title: s.startsAt}, ago(s.startsAt)),
        h('td', {title: s.endsAt}, ago(s.endsAt)),
        h('td', null, s.createdBy),
        h('td', null, s.comment),
        h('td', null, s.status.state !== 'expired'
          ? h('button', {type: 'button', class: 'expire-button', onclick: () => this.expire(s)}, 'Expire') : null))))));
  }
}
