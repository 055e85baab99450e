// Live tail: Server-Sent Events from /api/v1/logs/tail (the server searches, filters and pushes);
// pause keeps the lines aside (up to the cap) until resume. Read with fetch rather than
// EventSource, which cannot send the X-Scope-OrgID header of the chosen tenant.
import {withTenant} from '../lib/tenant.js';

const RETRY_MS = 3000;

export class LiveTail {
  /** onLines(hitsNewestFirst), onState(text, isError) */
  constructor(onLines, onState, cap) {
    this.onLines = onLines;
    this.onState = onState;
    this.cap = cap;
    this.abort = null;
    this.paused = false;
    this.held = [];
    this.received = 0;
  }

  start(query) {
    this.stop();
    const qs = new URLSearchParams({start: 'now'});
    if (query) qs.set('query', query);
    const abort = new AbortController();
    this.abort = abort;
    this.onState('connecting…', false);
    this.connect(`/api/v1/logs/tail?${qs}`, abort.signal);
  }

  /** Reads the stream until it ends, then reconnects after RETRY_MS unless stopped or refused. */
  async connect(url, signal) {
    while (!signal.aborted) {
      let res;
      try {
        res = await fetch(url, {headers: withTenant({Accept: 'text/event-stream'}), signal, cache: 'no-store'});
      } catch (e) {
        if (signal.aborted) return;
        this.onState('reconnecting…', true);
        await sleep(RETRY_MS, signal);
        continue;
      }
      if (!res.ok) {
        let msg = `${res.status}`;
        try {
          const body = await res.json();
          if (body && body.error) msg = body.error;
        } catch (e) {
          // not JSON
        }
        this.onState(`the live tail was refused: ${msg}`, true);
        return;
      }
      this.onState('live', false);
      try {
        await this.read(res.body.getReader(), signal);
      } catch (e) {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      this.onState('reconnecting…', true);
      await sleep(RETRY_MS, signal);
    }
  }

  /** Splits the byte stream into events (blank-line separated) and handles each. */
  async read(reader, signal) {
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done || signal.aborted) return;
      buf += decoder.decode(value, {stream: true});
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        this.event(buf.slice(0, end));
        buf = buf.slice(end + 2);
      }
    }
  }

  event(block) {
    let type = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (!data.length) return; // a comment (keep-alive) or retry hint
    if (type === 'skipped') {
      this.onState('live (lines arrive faster than shown: some were skipped)', false);
      return;
    }
    const hits = JSON.parse(data.join('\n')).data.hits.slice().reverse(); // newest first
    this.received += hits.length;
    if (this.paused) {
      this.held = hits.concat(this.held).slice(0, this.cap);
      this.onState(`paused, ${this.held.length} new line${this.held.length === 1 ? '' : 's'} held`, false);
    } else {
      this.onLines(hits);
    }
  }

  pause() {
    this.paused = true;
    this.onState('paused', false);
  }

  resume() {
    this.paused = false;
    const held = this.held;
    this.held = [];
    if (held.length) this.onLines(held);
    this.onState('live', false);
  }

  stop() {
    if (this.abort) this.abort.abort();
    this.abort = null;
    this.paused = false;
    this.held = [];
  }
}

function sleep(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, {once: true});
  });
}
