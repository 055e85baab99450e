// Live tail: Server-Sent Events from /api/v1/logs/tail (the server searches, filters and pushes);
// pause keeps the lines aside (up to the cap) until resume.
export class LiveTail {
  /** onLines(hitsNewestFirst), onState(text, isError) */
  constructor(onLines, onState, cap) {
    this.onLines = onLines;
    this.onState = onState;
    this.cap = cap;
    this.source = null;
    this.paused = false;
    this.held = [];
    this.received = 0;
  }

  start(query) {
    this.stop();
    const qs = new URLSearchParams({start: 'now'});
    if (query) qs.set('query', query);
    this.source = new EventSource(`/api/v1/logs/tail?${qs}`);
    this.onState('connecting…', false);
    this.source.onopen = () => this.onState('live', false);
    this.source.onmessage = (e) => {
      const hits = JSON.parse(e.data).data.hits.slice().reverse(); // newest first
      this.received += hits.length;
      if (this.paused) {
        this.held = hits.concat(this.held).slice(0, this.cap);
        this.onState(`paused, ${this.held.length} new line${this.held.length === 1 ? '' : 's'} held`, false);
      } else {
        this.onLines(hits);
      }
    };
    this.source.addEventListener('skipped', () => this.onState('live (lines arrive faster than shown: some were skipped)', false));
    this.source.onerror = () => {
      if (this.source && this.source.readyState === EventSource.CLOSED) {
        this.onState('the live tail was refused or ended: check the query, or too many tails are open', true);
      } else {
        this.onState('reconnecting…', true);
      }
    };
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
    if (this.source) this.source.close();
    this.source = null;
    this.paused = false;
    this.held = [];
  }
}
