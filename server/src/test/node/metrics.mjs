// Usage: node metrics.mjs <protocol> <endpoint> <tenant> <instance> <temporality>
//   protocol: http/json (endpoint = OTLP/HTTP base URL), http/protobuf (same), grpc (endpoint = host:port URL)
//   temporality: cumulative | delta
// Records a counter, an up-down counter, an observable gauge, an explicit-bucket histogram and an
// exponential histogram with the OpenTelemetry JS metrics SDK, exports twice (a second round of
// measurements between the exports), shuts down and prints "ok".
import { metrics } from '@opentelemetry/api';
import { OTLPMetricExporter as HttpJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as HttpProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { AggregationTemporalityPreference } from '@opentelemetry/exporter-metrics-otlp-http';
import { Metadata } from '@grpc/grpc-js';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationType, InstrumentType, MeterProvider, PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

const [protocol, endpoint, tenant, instance, temporality] = process.argv.slice(2);
const temporalityPreference = temporality === 'delta'
  ? AggregationTemporalityPreference.DELTA : AggregationTemporalityPreference.CUMULATIVE;

let exporter;
if (protocol === 'http/json') {
  exporter = new HttpJsonExporter({ url: `${endpoint}/v1/metrics`, headers: { 'X-Scope-OrgID': tenant }, temporalityPreference });
} else if (protocol === 'http/protobuf') {
  exporter = new HttpProtoExporter({ url: `${endpoint}/v1/metrics`, headers: { 'X-Scope-OrgID': tenant }, temporalityPreference });
} else if (protocol === 'grpc') {
  const metadata = new Metadata();
  metadata.set('x-scope-orgid', tenant);
  exporter = new GrpcExporter({ url: endpoint, metadata, temporalityPreference });
} else {
  throw new Error(`unknown protocol ${protocol}: use http/json, http/protobuf or grpc`);
}

// A long interval: exports happen only on forceFlush, so each test round is one export.
const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
const provider = new MeterProvider({
  resource: resourceFromAttributes({
    'service.name': 'js-shop', 'service.instance.id': instance, 'deployment.environment': 'test',
  }),
  readers: [reader],
  views: [{ instrumentName: 'js.payload.size', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
});
metrics.setGlobalMeterProvider(provider);
const meter = metrics.getMeter('lookout-js-metrics', '1.2.3');

const requests = meter.createCounter('js.requests', { unit: '{request}', description: 'requests served' });
const queue = meter.createUpDownCounter('js.queue.depth', { unit: '{item}', description: 'items waiting' });
const latency = meter.createHistogram('js.latency', {
  unit: 'ms', description: 'request latency', advice: { explicitBucketBoundaries: [10, 100, 1000] },
});
const size = meter.createHistogram('js.payload.size', { unit: 'By', description: 'payload sizes' });
let temperature = 21.5;
meter.createObservableGauge('js.temperature', { unit: 'Cel', description: 'room temperature' })
  .addCallback((r) => r.observe(temperature, { room: 'lab' }));

// round 1
requests.add(5, { route: '/cart' });
requests.add(2, { route: '/pay' });
queue.add(7);
queue.add(-3);
for (const v of [5, 50, 500]) latency.record(v, { route: '/cart' });
for (const v of [1, 2]) size.record(v);
await reader.forceFlush();

// round 2
requests.add(3, { route: '/cart' });
queue.add(1);
latency.record(5000, { route: '/cart' });
size.record(4);
temperature = 19.25;
await reader.forceFlush();

await provider.shutdown();
console.log('ok');
