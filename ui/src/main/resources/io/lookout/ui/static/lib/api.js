// Calls to Lookout's HTTP APIs. Errors carry the server's message (the envelope's "error").
import {withTenant} from './tenant.js';

export class ApiError extends Error {
  constructor(status, errorType, message) {
    super(message);
    this.status = status;
    this.errorType = errorType;
  }
}

/** GET path?params and returns the envelope's data; throws ApiError with the server's message. */
export async function get(path, params = {}, signal) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, v);
  }
  const url = qs.toString() ? `${path}?${qs}` : path;
  let res;
  try {
    res = await fetch(url, {headers: withTenant({Accept: 'application/json'}), signal});
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', `cannot reach the server: ${e.message}`);
  }
  let body = null;
  try {
    body = await res.json();
  } catch (e) {
    // not JSON: reported below
  }
  if (!res.ok || !body || body.status !== 'success') {
    const msg = body && body.error ? body.error : `${res.status} ${res.statusText || 'error'} from ${path}`;
    throw new ApiError(res.status, body && body.errorType, msg);
  }
  return body.data;
}

/** POST/PUT/DELETE path with a JSON body; returns the envelope's data or throws ApiError. */
export async function send(method, path, body) {
  let res;
  try {
    res = await fetch(path, {method, headers: withTenant({Accept: 'application/json', 'Content-Type': 'application/json'}),
      body: body === undefined ? undefined : JSON.stringify(body)});
  } catch (e) {
    throw new ApiError(0, 'network', `cannot reach the server: ${e.message}`);
  }
  let out = null;
  try {
    out = await res.json();
  } catch (e) {
    // not JSON: reported below
  }
  if (!res.ok || !out || out.status !== 'success') {
    const msg = out && out.error ? out.error : `${res.status} ${res.statusText || 'error'} from ${method} ${path}`;
    throw new ApiError(res.status, out && out.errorType, msg);
  }
  return out.data;
}
