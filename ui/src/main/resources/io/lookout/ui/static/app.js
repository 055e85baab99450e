// Lookout's web UI: one page, routed by location.pathname; each view keeps its state in the
// query string so that a link or a reload gives the same view.
import {h, replace} from './lib/dom.js';
import {get} from './lib/api.js';
import {setTenant, tenant, validTenant} from './lib/tenant.js';

const ROUTES = [
  [/^\/(logs)?$/, 'logs', () => import('./logs/explorer.js')],
  [/^\/traces(\/[0-9a-fA-F]+)?$/, 'traces', () => import('./pages/traces.js')],
  [/^\/metrics$/, 'metrics', () => import('./pages/metrics.js')],
  [/^\/alerts$/, 'alerts', () => import('./pages/alerts.js')],
  [/^\/health$/, 'health', () => import('./pages/health.js')],
  [/^\/api$/, 'api', () => import('./pages/api.js')],
];

const view = document.getElementById('view');
let current = null; // {path, page, instance}

async function route() {
  const path = location.pathname.replace(/\/+$/, '') || '/';
  const match = ROUTES.find(([re]) => re.test(path));
  if (!match) {
    replace(view, h('p', {class: 'error'}, `No page at ${path}. `), h('a', {href: '/logs'}, 'Go to logs'));
    return;
  }
  const [, name, load] = match;
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('active', a.dataset.page === name);
  }
  if (current && current.path === path && current.instance.update) {
    current.instance.update(new URLSearchParams(location.search));
    return;
  }
  if (current && current.instance.destroy) current.instance.destroy();
  current = null;
  try {
    const mod = await load();
    const root = h('div', {class: `page page-${name}`});
    replace(view, root);
    const instance = mod.mount(root, new URLSearchParams(location.search), path) || {};
    current = {path, page: name, instance};
    document.title = `Lookout · ${name[0].toUpperCase()}${name.slice(1)}`;
  } catch (e) {
    replace(view, h('p', {class: 'error'}, `This page failed to load: ${e.message}`));
  }
}

/** Navigates inside the app: same-origin links without a modifier key stay in the page. */
export function navigate(url, replaceState = false) {
  if (replaceState) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  route();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  if (a.target || a.origin !== location.origin || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  if (!ROUTES.some(([re]) => re.test(a.pathname.replace(/\/+$/, '') || '/'))) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
});
window.addEventListener('popstate', route);

/**
 * The header's tenant: with authentication on, the credential's (shown, not editable); with it
 * off, a picker whose value every API call sends as X-Scope-OrgID. Changing it reloads the view.
 */
async function tenantBox() {
  const box = document.getElementById('tenant');
  let who = null;
  try {
    who = await get('/auth/whoami');
  } catch (e) {
    return; // signed out or unreachable: the page shows why
  }
  if (who.authenticated) {
    setTenant('');
    replace(box, h('span', {title: `signed in as ${who.subject}; the tenant comes from the credential`},
      `Tenant: ${who.tenant}`));
    return;
  }
  const input = h('input', {id: 'tenant-input', type: 'text', value: tenant(), placeholder: 'default',
    'aria-label': 'Tenant', title: 'Tenant whose data the pages show (sent as X-Scope-OrgID); empty for default'});
  const apply = () => {
    const t = input.value.trim();
    if (!validTenant(t)) {
      input.classList.add('bad');
      input.title = 'a tenant id is 1 to 64 letters, digits, _, . or -, starting with a letter, digit or _';
      return;
    }
    input.classList.remove('bad');
    if (t === tenant()) return;
    setTenant(t);
    if (current && current.instance.destroy) current.instance.destroy();
    current = null;
    route();
  };
  input.addEventListener('change', apply);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') apply();
  });
  replace(box, h('label', {for: 'tenant-input'}, 'Tenant'), input);
}

route();
tenantBox();
