// Span tree and waterfall layout: spans ordered depth-first (children by start time), each with
// its depth and its offset and length relative to the trace.

/** Spans with {depth, offsetNs, durationNs, children, orphan} in display order, and the trace's extent. */
export function layout(spans) {
  const byId = new Map(spans.map((s) => [s.span_id, {span: s, children: []}]));
  const roots = [];
  for (const node of byId.values()) {
    const parent = node.span.parent_span_id && byId.get(node.span.parent_span_id);
    if (parent && parent !== node) parent.children.push(node);
    else {
      node.orphan = Boolean(node.span.parent_span_id); // its parent did not arrive (yet)
      roots.push(node);
    }
  }
  let t0 = null;
  let t1 = null;
  for (const s of spans) {
    const a = BigInt(s.start_unix_nano);
    const b = BigInt(s.end_unix_nano) > a ? BigInt(s.end_unix_nano) : a;
    if (t0 === null || a < t0) t0 = a;
    if (t1 === null || b > t1) t1 = b;
  }
  const byStart = (x, y) => {
    const d = BigInt(x.span.start_unix_nano) - BigInt(y.span.start_unix_nano);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  };
  const out = [];
  const seen = new Set();
  const visit = (node, depth) => {
    if (seen.has(node)) return; // a parent cycle in bad data
    seen.add(node);
    const s = node.span;
    out.push({span: s, depth, orphan: Boolean(node.orphan), childCount: node.children.length,
      offsetNs: Number(BigInt(s.start_unix_nano) - t0), durationNs: Math.max(0, Number(s.duration_ns) || 0)});
    node.children.sort(byStart).forEach((c) => visit(c, depth + 1));
  };
  roots.sort(byStart).forEach((r) => visit(r, 0));
  for (const node of byId.values()) if (!seen.has(node)) visit(node, 0);
  return {rows: out, totalNs: t0 === null ? 0 : Math.max(1, Number(t1 - t0)), startNs: t0};
}

/** Ticks for the time axis: about n round values from 0 to total (ns). */
export function ticks(totalNs, n = 5) {
  const raw = totalNs / n;
  const pow = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) || raw;
  const out = [];
  for (let t = 0; t <= totalNs; t += step) out.push(t);
  return out;
}
