// Alert labels as the page shows and matches them.
import {h} from './dom.js';

/** name="value" with quotes and backslashes escaped, as Alertmanager matchers take it. */
export function matcher(name, value) {
  return `${name}="${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Label chips, alertname first. */
export function labelChips(labels, skip = []) {
  const entries = Object.entries(labels || {}).filter(([k]) => !skip.includes(k))
    .sort(([a], [b]) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a.localeCompare(b)));
  return h('span', {class: 'labels'}, entries.map(([k, v]) => h('span', {class: 'label-chip'}, `${k}=${v}`)));
}

/** "3m ago" from an RFC 3339 time (empty for the zero time). */
export function ago(rfc3339, now = Date.now()) {
  const t = Date.parse(rfc3339);
  if (!Number.isFinite(t) || t < 86400e3 * 366) return '';
  const s = Math.round((now - t) / 1000);
  const abs = Math.abs(s);
  const text = abs < 60 ? `${abs}s` : abs < 3600 ? `${Math.floor(abs / 60)}m` : abs < 86400 ? `${Math.floor(abs / 3600)}h ${Math.floor((abs % 3600) / 60)}m` : `${Math.floor(abs / 86400)}d`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/** True when every part of the free-text filter occurs in the haystack (case-insensitive). */
export function matchesFilter(filter, ...texts) {
  const hay = texts.join(' ').toLowerCase();
  return (filter || '').toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}
