/**
 * The board's page, style and icon, each served as a file of its own (the script is in
 * board-script.ts) so a strict Content-Security-Policy (`script-src 'self'; style-src 'self'`) allows
 * them: no inline script, style or event handler.
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
    <div id="tenants-view" hidden>
      <h2>Tenants</h2>
      <p id="tenants-summary"></p>
      <p id="tenants-servers" class="muted"></p>
      <form id="tenant-filters">
        <label>Failed, code <select id="tenant-code"><option value="">all</option></select></label>
        <label id="tenant-server-filter" hidden>server <select id="tenant-server"><option value="">all</option></select></label>
        <span id="tenant-page-info" class="muted"></span>
        <button id="tenant-prev" type="button">‹ prev</button>
        <button id="tenant-next" type="button">next ›</button>
      </form>
      <table id="tenant-failures">
        <thead><tr><th>tenant</th><th>server</th><th>during</th><th>code</th><th>attempts</th><th>at</th><th>message</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
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
