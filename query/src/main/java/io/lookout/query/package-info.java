/**
 * The HTTP query APIs over the storage SPI, mounted together by {@link io.lookout.query.QueryApi}.
 *
 * <p>Native routes (GET; the logs routes also take POST with {@code application/x-www-form-urlencoded}
 * parameters), tenant from {@code X-Scope-OrgID}, time ranges defaulting to the last
 * {@code LOOKOUT_QUERY_DEFAULT_RANGE}:
 *
 * <ul>
 *   <li>{@code /api/v1/logs?query=&start=&end=&limit=&direction=&cursor=} - hits, newest first
 *       by default, and a cursor for the next page
 *   <li>{@code /api/v1/logs/histogram?query=&start=&end=&step=} - counts per time bucket
 *   <li>{@code /api/v1/logs/fields?start=&end=} - field names
 *   <li>{@code /api/v1/logs/fields/{name}/values?query=&start=&end=&limit=} - top values
 *   <li>{@code /api/v1/traces?service=&operation=&attributes=&status=&min_duration=&max_duration=&start=&end=&limit=&cursor=}
 *       - trace summaries, newest first, paginated
 *   <li>{@code /api/v1/traces/services?start=&end=} and
 *       {@code /api/v1/traces/services/{service}/operations?start=&end=} - the catalog
 *   <li>{@code /api/v1/traces/dependencies?start=&end=} - the service map
 *   <li>{@code /api/v1/traces/red?service=&operation=&start=&end=&step=} - rate, errors, duration
 *   <li>{@code /api/v1/traces/{traceId}?include=logs} - the spans of one trace, and its logs
 * </ul>
 *
 * <p>Every native answer is the Prometheus-shaped envelope written by
 * {@link io.lookout.query.ApiResponses}. The Jaeger query API ({@code /jaeger/api/services},
 * {@code services/{service}/operations}, {@code operations}, {@code traces}, {@code traces/{id}},
 * {@code dependencies}) answers in Jaeger's own envelope and JSON model. Storage calls run on a
 * dedicated worker pool, never on the event loop.
 *
 * <p>The Prometheus HTTP API (GET and POST form, Prometheus's JSON shapes and error types):
 * {@code /prometheus/api/v1/query?query=&time=&timeout=},
 * {@code /prometheus/api/v1/query_range?query=&start=&end=&step=&timeout=},
 * {@code /prometheus/api/v1/series?match[]=&start=&end=&limit=},
 * {@code /prometheus/api/v1/labels?match[]=&start=&end=&limit=},
 * {@code /prometheus/api/v1/label/{name}/values?match[]=&start=&end=&limit=},
 * {@code /prometheus/api/v1/query_exemplars?query=&start=&end=} and
 * {@code /prometheus/api/v1/metadata?metric=&limit=}; PromQL is evaluated by
 * {@link io.lookout.query.promql.eval.Engine}.
 *
 * <p>Loki's query API with a LogQL subset ({@link io.lookout.query.loki.LokiRoutes}, Loki's JSON,
 * errors in the Prometheus-style envelope): {@code /loki/api/v1/query_range} and {@code query}
 * (GET and POST form), {@code labels}, {@code label/{name}/values} (GET) and {@code series} (GET
 * and POST form).
 */
package io.lookout.query;
