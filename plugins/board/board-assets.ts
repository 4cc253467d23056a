/**
 * The board's page, script and style, served as three files so a strict Content-Security-Policy
 * (`script-src 'self'; style-src 'self'`) allows them: no inline script, style or event handler.
 * The script builds the DOM with textContent only, so no app name or message can inject markup.
 */

/** The page; `{{BASE}}` and `{{REFRESH}}` are filled in per request (both validated, no user input). */
export const BOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>knexus board</title>
<link rel="icon" href="{{BASE}}/favicon.svg">
<link rel="stylesheet" href="{{BASE}}/board.css">
<script type="module" src="{{BASE}}/board.js"></script>
</head>
<body data-base="{{BASE}}" data-refresh="{{REFRESH}}">
<header>
  <h1>knexus</h1>
  <span id="summary" class="muted"></span>
  <span id="updated" class="muted"></span>
</header>
<main>
  <section id="apps-view">
    <form id="filters">
      <label>Name <input id="filter-name" type="search" placeholder="filter by name" autocomplete="off"></label>
      <label>State <select id="filter-state"><option value="">all</option></select></label>
      <span id="page-info" class="muted"></span>
      <button id="prev" type="button">‹ prev</button>
      <button id="next" type="button">next ›</button>
    </form>
    <table id="apps">
      <thead><tr><th>app</th><th>state</th><th>target</th><th>migrations</th><th>latest</th><th>seeds</th><th>health</th><th>latency</th><th>pool</th><th>failures</th></tr></thead>
      <tbody></tbody>
    </table>
    <h2>Plugins</h2>
    <table id="plugins">
      <thead><tr><th>plugin</th><th>state</th><th>calls</th><th>errors</th><th>timeouts</th><th>hooks (calls · errors · timeouts · p50 / p95 ms)</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="detail-view" hidden>
    <p><a id="back" href="#">‹ all apps</a></p>
    <h2 id="detail-name"></h2>
    <dl id="detail-facts"></dl>
    <h3>Health latency (last cycles)</h3>
    <svg id="chart" width="640" height="160" viewBox="0 0 640 160" role="img" aria-label="health latency"></svg>
    <div id="actions"></div>
    <p id="action-result" role="status"></p>
    <h3>Migrations</h3>
    <table id="detail-migrations"><thead><tr><th>file</th><th>batch</th><th>applied at</th><th>state</th></tr></thead><tbody></tbody></table>
    <h3>Seeds</h3>
    <table id="detail-seeds"><thead><tr><th>file</th><th>batch</th><th>applied at</th><th>state</th></tr></thead><tbody></tbody></table>
    <h3>Failures</h3>
    <table id="detail-failures"><thead><tr><th>at</th><th>operation</th><th>code</th><th>message</th><th>hint</th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;

/** The page's icon (served, so that browsers do not ask for a missing /favicon.ico). */
export const BOARD_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d232a"/><path d="M4 12V4h2v3l3-3h2.5L8 7.5 11.7 12H9.2L6.7 9 6 9.7V12z" fill="#fff"/></svg>`;

/** The page's style. */
export const BOARD_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d232a; background: #f6f7f9; }
header { display: flex; gap: 1rem; align-items: baseline; padding: .75rem 1rem; background: #1d232a; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; }
main { padding: 1rem; }
.muted { color: #6b7480; }
header .muted { color: #b9c0c8; }
table { border-collapse: collapse; width: 100%; background: #fff; margin-bottom: 1.5rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }
th { font-weight: 600; background: #eef0f3; }
tbody tr.app { cursor: pointer; }
tbody tr.app:hover { background: #f0f6ff; }
.state { font-weight: 600; }
.state-ready, .health-healthy { color: #17803d; }
.state-failed, .health-unhealthy, .drifted { color: #b42318; }
.state-registering, .state-unregistering, .health-degraded, .pending { color: #b54708; }
form { display: flex; gap: 1rem; align-items: center; margin-bottom: .75rem; }
svg { background: #fff; border: 1px solid #e3e6ea; }
svg polyline { fill: none; stroke: #2563eb; stroke-width: 2; }
svg circle { fill: #2563eb; }
svg circle.bad { fill: #b42318; }
svg text { font-size: 10px; fill: #6b7480; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dt { color: #6b7480; }
`;

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

async function refresh() {
  const name = route();
  try {
    if (name === null) await renderApps();
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
$('back').addEventListener('click', (e) => { e.preventDefault(); location.hash = ''; });
window.addEventListener('hashchange', refresh);
refresh();
setInterval(refresh, refreshMs);
`;
