/**
 * The board page's script, served as its own file (`<basePath>/board.js`) so a strict
 * Content-Security-Policy allows it. It builds the DOM with textContent only, so no app name or
 * message can inject markup.
 */

/** The page's script: polls the JSON API and renders the apps table, the plugins table and the detail view. */
export const BOARD_JS = `
const body = document.body;
const base = body.dataset.base;
const refreshMs = Number(body.dataset.refresh);
const params = new URLSearchParams(location.search);
if (params.has('token')) sessionStorage.setItem('knexus-board-token', params.get('token'));
const token = sessionStorage.getItem('knexus-board-token');
const headers = token ? { authorization: 'Bearer ' + token } : {};
const view = { page: 1, q: '', state: '' };
const $ = (id) => document.getElementById(id);

async function api(path, init = {}) {
  const response = await fetch(base + '/api' + path, { ...init, headers: { ...headers, ...(init.headers || {}) } });
  if (!response.ok) throw new Error(response.status + ' ' + (await response.text()));
  return response.json();
}

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function row(cells, className) {
  const tr = el('tr', undefined, className);
  for (const cell of cells) tr.append(cell instanceof Node ? cell : el('td', cell));
  return tr;
}

function target(t) {
  if (t.filename) return t.client + ' ' + t.filename;
  return t.client + ' ' + [t.user ? t.user + '@' : '', t.host || '', t.port ? ':' + t.port : '', t.database ? '/' + t.database : '', t.schema ? ' (' + t.schema + ')' : ''].join('');
}

function ledgerText(l) {
  if (!l) return '–';
  return l.applied + ' applied' + (l.pending ? ', ' + l.pending + ' pending' : '') + (l.drifted ? ', ' + l.drifted + ' drifted' : '') + (l.dirty ? ', ' + l.dirty + ' dirty' : '');
}

function ledgerClass(l) {
  return l && (l.drifted || l.dirty) ? 'drifted' : l && l.pending ? 'pending' : '';
}

function ms(v) {
  return v === null || v === undefined ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0);
}

async function renderApps() {
  const query = new URLSearchParams({ page: String(view.page), q: view.q, state: view.state });
  const data = await api('/apps?' + query);
  view.page = data.page;
  const select = $('filter-state');
  for (const state of Object.keys(data.states)) {
    if (![...select.options].some((o) => o.value === state)) select.append(new Option(state, state));
  }
  $('summary').textContent = Object.entries(data.states).map(([s, n]) => n + ' ' + s).join(' · ');
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  $('page-info').textContent = data.total + ' app(s), page ' + data.page + ' of ' + pages;
  $('prev').disabled = data.page <= 1;
  $('next').disabled = data.page >= pages;
  const tbody = $('apps').tBodies[0];
  tbody.replaceChildren(...data.apps.map((a) => {
    const tr = row([
      el('td', a.name, 'name'),
      el('td', a.state, 'state state-' + a.state),
      target(a.target),
      el('td', ledgerText(a.migrations), ledgerClass(a.migrations)),
      a.migrations && a.migrations.latest ? a.migrations.latest : '–',
      el('td', ledgerText(a.seeds), ledgerClass(a.seeds)),
      el('td', a.health ? a.health.status : '–', a.health ? 'health-' + a.health.status : ''),
      a.health ? ms(a.health.latencyMs) + ' ms' : '–',
      a.pool ? a.pool.used + '/' + a.pool.max + (a.pool.pending ? ' (+' + a.pool.pending + ' waiting)' : '') : '–',
      String(a.failures),
    ], 'app');
    tr.dataset.app = a.name;
    tr.addEventListener('click', () => { location.hash = '#/app/' + encodeURIComponent(a.name); });
    return tr;
  }));
  const plugins = await api('/plugins');
  $('plugins').tBodies[0].replaceChildren(...plugins.map((p) => row([
    el('td', p.name + ' ' + p.version, 'name'),
    el('td', p.state, 'state state-' + (p.state === 'active' ? 'ready' : p.state)),
    String(p.calls), String(p.errors), String(p.timeouts),
    p.hooks.map((h) => h.hook + ' ' + h.calls + ' · ' + h.errors + ' · ' + h.timeouts + ' · ' + ms(h.p50Ms) + ' / ' + ms(h.p95Ms)).join('; ') || '–',
  ], 'plugin')));
}

function chart(points) {
  const svg = $('chart');
  const ns = 'http://www.w3.org/2000/svg';
  const w = 640, h = 160, pad = 24;
  const values = points.map((p) => p.latencyMs ?? 0);
  const max = Math.max(1, ...values);
  const x = (i) => pad + (points.length <= 1 ? 0 : (i * (w - 2 * pad)) / (points.length - 1));
  const y = (v) => h - pad - (v / max) * (h - 2 * pad);
  const children = [];
  const label = document.createElementNS(ns, 'text');
  label.setAttribute('x', '4'); label.setAttribute('y', '12');
  label.textContent = 'max ' + ms(max) + ' ms over ' + points.length + ' cycle(s)';
  children.push(label);
  if (points.length > 0) {
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.map((p, i) => x(i).toFixed(1) + ',' + y(values[i]).toFixed(1)).join(' '));
    children.push(line);
    points.forEach((p, i) => {
      const dot = document.createElementNS(ns, 'circle');
      dot.setAttribute('cx', x(i).toFixed(1)); dot.setAttribute('cy', y(values[i]).toFixed(1)); dot.setAttribute('r', '3');
      if (p.status !== 'healthy') dot.setAttribute('class', 'bad');
      const title = document.createElementNS(ns, 'title');
      title.textContent = p.at + ': ' + p.status + ', ' + ms(p.latencyMs) + ' ms';
      dot.append(title);
      children.push(dot);
    });
  }
  svg.replaceChildren(...children);
}

function ledgerRows(tableId, ledger) {
  const rows = [];
  if (ledger) {
    const drifted = new Set(ledger.drifted);
    for (const e of ledger.applied) rows.push(row([e.name, String(e.batch), e.appliedAt, el('td', drifted.has(e.name) ? 'drifted' : 'applied', drifted.has(e.name) ? 'drifted' : '')]));
    for (const name of ledger.pending) rows.push(row([name, '–', '–', el('td', 'pending', 'pending')]));
    for (const name of ledger.dirty) rows.push(row([name, '–', '–', el('td', 'dirty: started, never finished', 'drifted')]));
  } else {
    rows.push(row(['not readable while the app is not ready', '', '', '']));
  }
  $(tableId).tBodies[0].replaceChildren(...rows);
}

async function renderDetail(name) {
  const a = await api('/apps/' + encodeURIComponent(name));
  $('detail-name').textContent = a.name;
  const facts = [['state', a.state], ['target', target(a.target)], ['shares the pool of', a.owner && a.owner !== a.name ? a.owner : '–'],
    ['registered at', a.registeredAt || '–'], ['migrations', ledgerText(a.migrations)], ['seeds', ledgerText(a.seeds)],
    ['health', a.health ? a.health.status + ', ' + ms(a.health.latencyMs) + ' ms at ' + a.health.at : '–'],
    ['pool', a.pool ? a.pool.used + ' used, ' + a.pool.free + ' free, ' + a.pool.pending + ' waiting, max ' + a.pool.max : '–']];
  $('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', k), el('dd', v)]));
  chart(a.healthHistory);
  renderActions(a);
  ledgerRows('detail-migrations', a.ledger.migrations);
  ledgerRows('detail-seeds', a.ledger.seeds);
  info ??= await api('/info');
  $('detail-failures').tBodies[0].replaceChildren(...(a.failureLog.length ? a.failureLog.map((f) => failureRow(a.name, f)) : [row(['none', '', '', '', ''])]));
}

let info;

function failureRow(app, f) {
  const hint = el('td', f.hint || '–');
  if (info.actions && f.dirty) {
    // A dirty file is settled by a person who checked the database: applied, or rolled back by hand.
    for (const resolution of ['applied', 'rolled-back']) {
      const button = el('button', 'mark ' + resolution, 'repair');
      button.type = 'button';
      button.dataset.resolution = resolution;
      button.addEventListener('click', async () => {
        button.disabled = true;
        const body = JSON.stringify({ [f.dirty === 'seeds' ? 'seed' : 'migration']: f.file, resolution });
        const result = await api('/apps/' + encodeURIComponent(app) + '/repair', { method: 'POST', body, headers: { 'content-type': 'application/json' } }).catch((e) => ({ error: e.message }));
        // Outside the tables the polling redraws, so the outcome stays on screen.
        $('action-result').textContent = result.error ? 'repair failed: ' + result.error : 'repaired: ' + f.file + ' ' + resolution;
      });
      hint.append(' ', button);
    }
  }
  return row([f.at, f.operation, f.code, f.message, hint], 'failure');
}

async function renderActions(a) {
  info ??= await api('/info');
  const box = $('actions');
  if (!info.actions || !a.migrations || a.migrations.pending === 0) return box.replaceChildren();
  const button = el('button', 'Run ' + a.migrations.pending + ' pending migration(s)');
  button.type = 'button';
  button.id = 'migrate';
  button.addEventListener('click', async () => {
    button.disabled = true;
    const result = await api('/apps/' + encodeURIComponent(a.name) + '/migrate', { method: 'POST' }).catch((e) => ({ error: e.message }));
    $('action-result').textContent = result.error ? 'migrations failed: ' + result.error : 'applied ' + result.applied.length + ' migration(s)';
    refresh();
  });
  box.replaceChildren(button);
}

let shown = null;
function route() {
  const match = /^#\\/app\\/(.+)$/.exec(location.hash);
  $('apps-view').hidden = Boolean(match);
  $('detail-view').hidden = !match;
  const name = match ? decodeURIComponent(match[1]) : null;
  // A message belongs to the app it was about.
  if (name !== shown) $('action-result').textContent = '';
  shown = name;
  return name;
}

// The fleet: counts over every tenant, failed ones one page at a time (only when the registry has a tenant directory).
const fleet = { page: 1, code: '', server: '' };
async function renderTenants() {
  info ??= await api('/info');
  $('tenants-view').hidden = !info.tenants;
  if (!info.tenants) return;
  const data = await api('/tenants?' + new URLSearchParams({ page: String(fleet.page), code: fleet.code, server: fleet.server }));
  fleet.page = data.page;
  const codes = Object.entries(data.codes).map(([code, n]) => code + ' ' + n).join(', ');
  $('tenants-summary').textContent = 'owner ' + data.owner + ' · ' + data.resident + ' resident · ' + data.attaching + ' attaching · ' + data.failed + ' failed' + (codes ? ' (' + codes + ')' : '');
  // Several servers: one line each, and a filter of the failures by server.
  $('tenants-servers').textContent = data.servers.map((s) => s.name + ' ' + s.state + ': ' + (s.placed ?? '?') + ' placed, ' + s.resident + ' here, ' + s.waiting + ' waiting, ' + s.failed + ' failed').join(' · ');
  $('tenant-server-filter').hidden = data.servers.length === 0;
  fillSelect($('tenant-server'), data.servers.map((s) => s.name), fleet.server);
  fillSelect($('tenant-code'), Object.keys(data.codes), fleet.code);
  const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
  $('tenant-page-info').textContent = 'page ' + data.page + ' of ' + pages + ' (' + data.total + ' failed)';
  $('tenant-prev').disabled = data.page <= 1;
  $('tenant-next').disabled = data.page >= pages;
  $('tenant-failures').tBodies[0].replaceChildren(...data.failures.map((f) => row([f.name, f.server ?? '', f.during, el('td', f.code, 'drifted'), f.attempts, f.at, f.message])));
}

// Options 'all' plus the values, rebuilt only when they changed (so an open select is not reset).
function fillSelect(select, values, current) {
  const options = [''].concat(values);
  if (select.options.length !== options.length || options.some((o, i) => select.options[i].value !== o)) {
    select.replaceChildren(...options.map((o) => { const option = el('option', o || 'all'); option.value = o; return option; }));
    select.value = current;
  }
}

async function refresh() {
  const name = route();
  try {
    if (name === null) await Promise.all([renderApps(), renderTenants()]);
    else await renderDetail(name);
    $('updated').textContent = 'updated ' + new Date().toLocaleTimeString();
    body.dataset.loaded = 'true';
  } catch (error) {
    $('updated').textContent = 'update failed: ' + error.message;
  }
}

$('filter-name').addEventListener('input', (e) => { view.q = e.target.value; view.page = 1; refresh(); });
$('filter-state').addEventListener('change', (e) => { view.state = e.target.value; view.page = 1; refresh(); });
$('prev').addEventListener('click', () => { view.page--; refresh(); });
$('next').addEventListener('click', () => { view.page++; refresh(); });
$('tenant-code').addEventListener('change', (e) => { fleet.code = e.target.value; fleet.page = 1; refresh(); });
$('tenant-server').addEventListener('change', (e) => { fleet.server = e.target.value; fleet.page = 1; refresh(); });
$('tenant-prev').addEventListener('click', () => { fleet.page--; refresh(); });
$('tenant-next').addEventListener('click', () => { fleet.page++; refresh(); });
$('back').addEventListener('click', (e) => { e.preventDefault(); location.hash = ''; });
window.addEventListener('hashchange', refresh);
refresh();
setInterval(refresh, refreshMs);
`;
