// Traces: /traces?service=&operation=&attributes=&min_duration=&max_duration=&status=&start=&end=
// (search, service map, RED charts) and /traces/{traceId}?span= (waterfall, span details, logs).

export async function mount(root, params, path) {
  const m = /^\/traces\/([0-9a-fA-F]+)$/.exec(path);
  const mod = m ? await import('../traces/trace.js') : await import('../traces/search.js');
  return m ? mod.mount(root, params, m[1].toLowerCase()) : mod.mount(root, params);
}
