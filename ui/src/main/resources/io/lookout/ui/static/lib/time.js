// Time ranges as the APIs take them: RFC 3339, Unix seconds, "now", "now-15m".

const UNITS = {s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3};

export const PRESETS = [
  ['now-5m', 'Last 5 minutes'], ['now-15m', 'Last 15 minutes'], ['now-1h', 'Last hour'],
  ['now-6h', 'Last 6 hours'], ['now-24h', 'Last 24 hours'], ['now-7d', 'Last 7 days'],
];

/** Milliseconds since the epoch for a time parameter, or NaN. */
export function toMillis(v, now = Date.now()) {
  if (v === undefined || v === null || v === '' || v === 'now') return now;
  const rel = /^now\s*([+-])\s*(\d+(?:\.\d+)?)([smhdw])$/.exec(v);
  if (rel) return now + (rel[1] === '-' ? -1 : 1) * Number(rel[2]) * UNITS[rel[3]];
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  return Date.parse(v);
}

/** RFC 3339 in UTC with milliseconds. */
export function iso(ms) {
  return new Date(ms).toISOString();
}

/** "2026-01-02 15:04:05.123" (UTC) from an RFC 3339 string with up to nanoseconds. */
export function shortTime(rfc3339) {
  return rfc3339.replace('T', ' ').replace(/(\.\d{3})\d*Z$/, '$1').replace(/Z$/, '');
}

/** A human label of a range. */
export function label(start, end) {
  const p = PRESETS.find(([v]) => v === start);
  if (p && (!end || end === 'now')) return p[1];
  const s = Number.isFinite(toMillis(start)) ? shortTime(iso(toMillis(start))) : start;
  const e = end && end !== 'now' ? shortTime(iso(toMillis(end))) : 'now';
  return `${s} → ${e} UTC`;
}

/** Value for an <input type=datetime-local> (UTC) from ms, and back. */
export function toLocalInput(ms) {
  return Number.isFinite(ms) ? iso(ms).slice(0, 19) : '';
}
export function fromLocalInput(v) {
  return v ? iso(Date.parse(v + 'Z')) : '';
}
