// The list of Lookout's HTTP APIs (what the old landing page said, with links).
import {h, replace} from '../lib/dom.js';

const APIS = [
  ['Ingest', [
    ['OTLP/gRPC', ':4317 (logs, traces, metrics)'],
    ['OTLP/HTTP', ':4318 POST /v1/logs, /v1/traces, /v1/metrics (protobuf or JSON)'],
    ['Prometheus remote_write', 'POST /prometheus/api/v1/write'],
  ]],
  ['Logs', [
    ['/api/v1/logs?query=&start=&end=&limit=&direction=&cursor=', 'search, newest first'],
    ['/api/v1/logs/histogram?query=&start=&end=&step=', 'matches per time bucket'],
    ['/api/v1/logs/fields?start=&end=', 'field names'],
    ['/api/v1/logs/fields/{name}/values?query=&start=&end=&limit=', 'top values of a field'],
    ['/api/v1/logs/tail?query=&start=', 'live tail (Server-Sent Events)'],
    ['/api/v1/logs/context?timestamp=&service=&host=&before=&after=', 'lines around a line'],
  ]],
  ['Traces', [
    ['/api/v1/traces?service=&operation=&attributes=&status=&min_duration=&max_duration=', 'search'],
    ['/api/v1/traces/{traceId}?include=logs', 'one trace, and its logs'],
    ['/api/v1/traces/services', 'services; /services/{service}/operations'],
    ['/api/v1/traces/dependencies', 'service map'],
    ['/api/v1/traces/red?service=&operation=', 'rate, errors, duration'],
    ['/jaeger/api/services', 'Jaeger query API'],
  ]],
  ['Metrics (Prometheus API, PromQL)', [
    ['/prometheus/api/v1/query?query=', 'instant query'],
    ['/prometheus/api/v1/query_range?query=&start=&end=&step=', 'range query'],
    ['/prometheus/api/v1/series', 'series; also /labels, /label/{name}/values, /metadata'],
    ['/prometheus/api/v1/rules', 'alerting rules; /prometheus/api/v1/alerts'],
  ]],
  ['Alerting', [['/api/v1/alerting/...', 'rules, alerts, silences, probes, notifications']]],
  ['Operations', [['/healthz', 'liveness'], ['/readyz', 'readiness'], ['/metrics', "Lookout's own metrics (Prometheus text; browsers get the metrics page)"]]],
];

export function mount(root) {
  replace(root, h('h2', null, 'HTTP APIs'),
    h('p', {class: 'muted'}, 'Native APIs answer {"status":"success","data":...} or {"status":"error","errorType":...,"error":...}. '
      + 'Times take RFC 3339, Unix seconds or now-15m. The tenant comes from the X-Scope-OrgID header (or your credential).'),
    APIS.map(([title, rows]) => h('section', {class: 'api'}, h('h3', null, title),
      h('table', null, rows.map(([path, what]) => h('tr', null,
        h('td', null, path.startsWith('/') && !path.includes('{') && !path.includes('...')
          ? h('a', {href: path.split('?')[0], 'data-external': ''}, h('code', null, path)) : h('code', null, path)),
        h('td', null, what)))))));
  return {};
}
