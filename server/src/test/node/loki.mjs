// Usage: node loki.mjs <api-base-url> <token> <tenant>
// Ships log lines to Lookout's Loki push API with two real Loki clients, unchanged:
//  - pino + pino-loki (JSON body, structured metadata from the "meta" key);
//  - winston + winston-loki, once in its default protobuf mode (snappy, when the optional
//    snappy module loaded) and once in its JSON mode (winston meta as structured metadata).
// Prints the body format winston-loki used, then "ok". Exits 1 when a client saw an error.
import pino from 'pino';
import pinoLoki from 'pino-loki';
import winston from 'winston';
import LokiTransport from 'winston-loki';

const [base, token, tenant] = process.argv.slice(2);
const headers = { 'X-Scope-OrgID': tenant };
let failed = false;

// pino-loki: labels = its "level" label, hostname and these; line = the pino JSON log.
const stream = pinoLoki({
  host: base,
  headers,
  labels: { app: 'pino-shop', env: 'test' },
  batching: { interval: 60 },
  silenceErrors: false,
});
const origError = console.error;
console.error = (...args) => { failed = true; origError(...args); };
const logger = pino({ level: 'debug' }, stream);
logger.info(`pino order placed ${token}`);
logger.error({ meta: { trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', order_id: '42' } }, `pino payment failed ${token}`);
logger.fatal(`pino out of memory ${token}`);
await new Promise((resolve) => { stream.on('close', resolve); stream.end(); });

async function winstonRun(json, label) {
  const transport = new LokiTransport({
    host: base,
    headers: { ...headers },
    json,
    labels: { job: 'winston-job', container: label },
    batching: true,
    interval: 60,
    onConnectionError: (err) => { failed = true; origError('winston-loki:', err.message); },
  });
  const mode = transport.batcher.options.json ? 'json' : 'protobuf';
  const log = winston.createLogger({ level: 'debug', transports: [transport] });
  log.warn(`winston disk almost full ${token} ${mode}`, { disk: 'sda1' });
  log.debug(`winston cache miss ${token} ${mode}`);
  await transport.close();
  return mode;
}

const protoMode = await winstonRun(undefined, 'winston-default');
const jsonMode = await winstonRun(true, 'winston-json');
console.log(`winston-loki default mode: ${protoMode}, json mode: ${jsonMode}`);
console.log(failed ? 'failed' : 'ok');
process.exit(failed ? 1 : 0);
