// Usage: node send.mjs <otlp-http-base-url> <token> <tenant>
// Emits one log record and a two-span trace with the OpenTelemetry JS SDK (OTLP/HTTP JSON),
// then prints the trace id.
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

const [base, token, tenant] = process.argv.slice(2);
const headers = { 'X-Scope-OrgID': tenant };
const resource = resourceFromAttributes({ 'service.name': 'node-checkout', 'host.name': 'node-box' });

const tracerProvider = new BasicTracerProvider({
  resource,
  spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces`, headers }))],
});
const tracer = tracerProvider.getTracer('lookout-js-test');
const root = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { 'http.route': '/cart' } });
const child = tracer.startSpan('SELECT cart', { kind: SpanKind.CLIENT, attributes: { 'db.rows': 3 } },
  trace.setSpan(context.active(), root));
child.addEvent('slow query', { 'db.ms': 120.5 });
child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
child.end();
root.end();

const loggerProvider = new LoggerProvider({
  resource,
  processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${base}/v1/logs`, headers }) })],
});
loggerProvider.getLogger('lookout-js-test').emit({
  severityNumber: SeverityNumber.ERROR,
  severityText: 'ERROR',
  body: `cart lookup failed ${token}`,
  attributes: { 'cart.items': 3, 'cart.total': 42.5, 'user.vip': true, 'cart.skus': ['a1', 'b2'] },
  context: trace.setSpan(context.active(), child),
});

await loggerProvider.forceFlush();
await tracerProvider.forceFlush();
await loggerProvider.shutdown();
await tracerProvider.shutdown();
console.log(root.spanContext().traceId + ' ' + root.spanContext().spanId + ' ' + child.spanContext().spanId);
