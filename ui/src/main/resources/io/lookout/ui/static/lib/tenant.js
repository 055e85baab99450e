// The tenant the UI reads. With authentication on, the server takes the tenant from the
// credential and ignores X-Scope-OrgID; with it off (LOOKOUT_AUTH=none), the tenant picker in the
// header chooses it, and every API call sends it as X-Scope-OrgID. Kept in localStorage.

const KEY = 'lookout.tenant';
const PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/; // as the server checks it (model Tenant)

/** The chosen tenant, or '' for the server's default. */
export function tenant() {
  try {
    return localStorage.getItem(KEY) || '';
  } catch (e) {
    return '';
  }
}

/** Whether the server would take this as a tenant id ('' means the default tenant). */
export function validTenant(t) {
  return t === '' || PATTERN.test(t);
}

export function setTenant(t) {
  try {
    if (t) localStorage.setItem(KEY, t);
    else localStorage.removeItem(KEY);
  } catch (e) {
    // storage unavailable: the choice lasts for this page only
  }
}

/** {headers} plus X-Scope-OrgID when a tenant is chosen. */
export function withTenant(headers = {}) {
  const t = tenant();
  return t ? {...headers, 'X-Scope-OrgID': t} : headers;
}
