/**
 * The native HTTP query API over the storage SPI.
 *
 * <p>Routes (GET; the logs routes also take POST with {@code application/x-www-form-urlencoded}
 * parameters), tenant from {@code X-Scope-OrgID}:
 *
 * <ul>
 *   <li>{@code /api/v1/logs?query=&start=&end=&limit=&direction=&cursor=} - hits, newest first
 *       by default, and a cursor for the next page
 *   <li>{@code /api/v1/logs/histogram?query=&start=&end=&step=} - counts per time bucket
 *   <li>{@code /api/v1/logs/fields?start=&end=} - field names
 *   <li>{@code /api/v1/logs/fields/{name}/values?query=&start=&end=&limit=} - top values
 *   <li>{@code /api/v1/traces/{traceId}} - the spans of one trace
 * </ul>
 *
 * <p>Every answer is the Prometheus-shaped envelope written by {@link io.lookout.query.ApiResponses}.
 * Storage calls run on a dedicated worker pool, never on the event loop.
 */
package io.lookout.query;
