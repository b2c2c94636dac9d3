// The Nex fleet view: draws what the server streams (/stream: link, fleet, functions, events;
// /logs: one workload's log) and sends the two actions. Every string from the fleet goes into
// the page as text, never as markup.
'use strict';

const MAX_EVENTS = 500;
const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#8250df', '#bf8700', '#0a7ea4', '#cf222e', '#6e7781'];

const state = {
  link: null,
  fleet: { namespace: '', nodes: [] },
  functions: { now: 0, window_seconds: 300, functions: [] },
  events: [],
  eventIds: new Set(),
  chosen: null, // {id, name}
  logStream: null,
  confirming: null, // {key, until}: the button asking "are you sure?"
  busy: new Set(), // keys of buttons whose action is under way
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const shortId = (id) => (id && id.length > 12 ? id.slice(0, 6) + '…' + id.slice(-4) : id || '');
// names outlive their nodes, so the events of a node that has gone still say which it was
const names = new Map();
const nodeName = (id) => names.get(id) || shortId(id);
const mib = (kb) => (kb ? (kb / 1024 / 1024).toFixed(1) + ' GiB' : '–');

// ---- link and banner ----

function drawLink() {
  const link = state.link;
  const box = $('link');
  box.className = 'link ' + (link && link.connected ? 'up' : 'down');
  $('link-text').textContent = link ? (link.connected ? link.server : 'disconnected') : 'connecting…';
  const banner = $('banner');
  if (link && !link.connected) {
    banner.textContent = link.message;
    banner.hidden = false;
  } else if (link) {
    banner.hidden = true;
  }
}

function streamLost() {
  const banner = $('banner');
  banner.textContent = 'lost the connection to nex ui; reconnecting…';
  banner.hidden = false;
}

// ---- nodes ----

function drawNodes() {
  for (const n of state.fleet.nodes) if (n.name) names.set(n.id, n.name);
  const body = $('nodes').tBodies[0];
  const rows = state.fleet.nodes.map((n) => {
    const tags = Object.entries(n.tags || {})
      .filter(([k]) => k !== 'node_name' && k !== 'nex.lameduck')
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => el('span', { class: 'tag' }, k + '=' + v));
    const button = el('button', { class: 'lameduck', disabled: n.lame_duck, title: 'drain this node: no new work, then it exits' },
      'Lame duck');
    confirmable(button, 'lameduck:' + n.id, 'Confirm lame duck', () => post('/api/lameduck', { node_id: n.id }));
    return el('tr', { 'data-node-id': n.id },
      el('td', {}, n.name || '–'),
      el('td', { class: 'id', title: n.id }, shortId(n.id)),
      el('td', {}, n.version || ''),
      el('td', {}, n.uptime || ''),
      el('td', {}, n.sandbox || '–'),
      el('td', {}, n.pool_ready + ' ready', n.pool_starting ? el('span', { class: 'muted' }, ' · ' + n.pool_starting + ' starting') : null),
      el('td', { class: 'num' }, n.workload_count),
      el('td', { title: 'available / total' }, mib(n.memory_available_kb) + ' / ' + mib(n.memory_total_kb)),
      el('td', { class: 'tags' }, tags),
      el('td', {}, el('span', { class: 'state ' + (n.lame_duck ? 'lameduck' : 'running') }, n.lame_duck ? 'lame duck' : 'running')),
      el('td', {}, button));
  });
  body.replaceChildren(...rows);
  $('nodes-empty').hidden = rows.length > 0;
  $('node-count').textContent = state.fleet.nodes.length;
  $('namespace').textContent = 'namespace ' + (state.fleet.namespace || '');
  drawNodeFilter();
}

// ---- workloads ----

function functionStats(id) {
  return state.functions.functions.find((f) => f.id === id);
}

function drawWorkloads() {
  const body = $('workloads').tBodies[0];
  const rows = [];
  for (const n of state.fleet.nodes) {
    for (const w of n.workloads || []) {
      const stats = functionStats(w.id);
      const stop = el('button', { class: 'stop', title: 'stop it with your issuer key, as nex stop would' }, 'Stop');
      confirmable(stop, 'stop:' + w.id, 'Confirm stop', () => post('/api/stop', { node_id: n.id, workload_id: w.id, name: w.name }));
      rows.push(el('tr', {
        'data-workload-id': w.id, 'data-node-id': n.id, 'data-name': w.name, 'data-calls': stats ? stats.calls : 0,
        class: state.chosen && state.chosen.id === w.id ? 'chosen' : null,
        onclick: (e) => { if (e.target.tagName !== 'BUTTON') chooseWorkload(w); },
      },
      el('td', {}, el('span', { class: 'health' + (w.healthy ? '' : ' bad'), title: w.healthy ? 'healthy' : 'unhealthy' })),
      el('td', { title: w.description || '' }, w.name),
      el('td', { class: 'id', title: w.id }, w.id),
      el('td', {}, w.type),
      el('td', {}, w.namespace),
      el('td', { title: n.id }, n.name || shortId(n.id)),
      el('td', {}, w.runtime || ''),
      el('td', {}, w.essential ? 'yes' : 'no'),
      el('td', { class: 'num calls' }, stats ? stats.calls : '–'),
      el('td', { class: 'num' }, stats ? stats.failures : '–'),
      el('td', { class: 'num' }, stats && stats.calls > stats.failures ? stats.mean_ms.toFixed(2) + ' ms' : '–'),
      el('td', {}, stop)));
    }
  }
  body.replaceChildren(...rows);
  $('workloads-empty').hidden = rows.length > 0;
  $('workload-count').textContent = rows.length;
}

// A button that asks once more before it acts: no browser dialog to get in the way. Rows are
// redrawn every second, so which button is asking (or busy) lives in the state, not the button.
function confirmable(button, key, question, act) {
  const asking = state.confirming && state.confirming.key === key && state.confirming.until > Date.now();
  if (state.busy.has(key)) {
    button.disabled = true;
    button.textContent = 'working…';
  } else if (asking) {
    button.classList.add('confirm');
    button.textContent = question;
  }
  button.addEventListener('click', async (e) => {
    e.stopPropagation();
    const now = state.confirming && state.confirming.key === key && state.confirming.until > Date.now();
    if (!now) {
      state.confirming = { key, until: Date.now() + 5000 };
      setTimeout(redraw, 5100);
      redraw();
      return;
    }
    state.confirming = null;
    state.busy.add(key);
    redraw();
    try {
      await act();
    } finally {
      state.busy.delete(key);
      redraw();
    }
  });
}

function redraw() {
  drawNodes();
  drawWorkloads();
}

async function post(path, body) {
  let outcome;
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Nex-UI': '1' },
      body: JSON.stringify(body),
    });
    outcome = await response.json();
  } catch (e) {
    outcome = { ok: false, message: 'nex ui did not answer: ' + e.message };
  }
  notice(outcome.message, !outcome.ok);
}

let noticeTimer;
function notice(text, bad) {
  const box = $('notice');
  box.textContent = text;
  box.className = bad ? 'bad' : '';
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, bad ? 12000 : 5000);
}

// ---- logs ----

function chooseWorkload(w) {
  if (state.logStream) state.logStream.close();
  state.chosen = { id: w.id, name: w.name };
  $('log-title').textContent = w.name + ' · ' + w.id;
  const log = $('log');
  log.replaceChildren();
  const stream = new EventSource('/logs?workload=' + encodeURIComponent(w.id));
  stream.addEventListener('log', (e) => {
    const line = JSON.parse(e.data);
    const stick = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.append(el('div', { class: line.level >= 8 ? 'err' : null }, line.text));
    while (log.childNodes.length > 500) log.firstChild.remove();
    if (stick) log.scrollTop = log.scrollHeight;
  });
  state.logStream = stream;
  drawWorkloads();
}

// ---- chart ----

function drawChart() {
  const svg = $('chart');
  const ns = 'http://www.w3.org/2000/svg';
  const W = 640; const H = 220; const left = 34; const bottom = 18; const top = 8;
  const series = state.functions.functions;
  const window = state.functions.window_seconds || 300;
  let max = 1;
  for (const f of series) for (const v of f.per_second) max = Math.max(max, v);
  max = niceCeiling(max);
  const x = (i) => left + (i / (window - 1)) * (W - left - 6);
  const y = (v) => top + (1 - v / max) * (H - top - bottom);
  const parts = [];
  const svgEl = (tag, attrs, text) => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  for (let i = 0; i <= 4; i++) {
    const v = (max / 4) * i;
    parts.push(svgEl('line', { class: 'grid', x1: left, x2: W - 6, y1: y(v), y2: y(v) }));
    parts.push(svgEl('text', { class: 'axis', x: left - 4, y: y(v) + 4, 'text-anchor': 'end' }, fmt(v)));
  }
  for (const [label, i] of [['-5m', 0], ['-4m', 60], ['-3m', 120], ['-2m', 180], ['-1m', 240], ['now', window - 1]]) {
    parts.push(svgEl('text', { class: 'axis', x: x(i), y: H - 4, 'text-anchor': i === 0 ? 'start' : i === window - 1 ? 'end' : 'middle' }, label));
  }
  series.forEach((f, k) => {
    // the current second is still filling: leave it out rather than draw a false dip
    const points = f.per_second.slice(0, -1).map((v, i) => x(i).toFixed(1) + ',' + y(v).toFixed(1)).join(' ');
    parts.push(svgEl('polyline', { points, fill: 'none', stroke: COLORS[k % COLORS.length], 'stroke-width': 2,
      'stroke-linejoin': 'round', 'data-function': f.id }));
  });
  svg.replaceChildren(...parts);
  $('legend').replaceChildren(...series.map((f, k) => el('li', { 'data-function': f.id },
    el('i', { class: 'swatch-' + (k % COLORS.length) }), f.name + ' on ' + nodeName(f.node) + ': ' + f.calls + ' calls')));
  // CSP forbids inline style attributes; CSSOM properties are allowed
  $('legend').querySelectorAll('i').forEach((i, k) => { i.style.background = COLORS[k % COLORS.length]; });
  $('call-count').textContent = series.reduce((sum, f) => sum + f.calls, 0);
}

// the top of the axis: four grid steps of 1, 2 or 5 times a power of ten
function niceCeiling(v) {
  const quarter = v / 4;
  const p = Math.pow(10, Math.floor(Math.log10(quarter)));
  for (const s of [1, 2, 5, 10]) if (s * p >= quarter) return 4 * s * p;
  return 40 * p;
}
const fmt = (v) => (v >= 10 || Number.isInteger(v) ? String(Math.round(v)) : v.toFixed(1));

// ---- events ----

function addEvents(batch) {
  for (const e of batch) {
    if (state.eventIds.has(e.id)) continue;
    state.eventIds.add(e.id);
    state.events.unshift(e);
  }
  while (state.events.length > MAX_EVENTS) state.eventIds.delete(state.events.pop().id);
  drawTypeFilter();
  drawEvents();
}

// an event's data as key=value, without what the other columns show
function describe(data) {
  if (!data || typeof data !== 'object') return data === undefined || data === null ? '' : String(data);
  return Object.entries(data)
    .filter(([k]) => k !== 'workload_name' && k !== 'name' && k !== 'namespace')
    .map(([k, v]) => (k === 'elapsed_nanos' ? 'elapsed=' + (v / 1e6).toFixed(2) + 'ms'
      : k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)))
    .join('  ');
}

function drawTypeFilter() {
  const select = $('filter-type');
  const known = new Set([...select.options].map((o) => o.value));
  for (const type of new Set(state.events.map((e) => e.type))) {
    if (!known.has(type)) select.append(el('option', { value: type }, type));
  }
}

function drawNodeFilter() {
  const select = $('filter-node');
  const chosen = select.value;
  const ids = new Set([...state.fleet.nodes.map((n) => n.id), ...state.events.map((e) => e.source)]);
  select.replaceChildren(el('option', { value: '' }, 'all'),
    ...[...ids].filter(Boolean).map((id) => el('option', { value: id, selected: id === chosen }, nodeName(id))));
}

function drawEvents() {
  const type = $('filter-type').value;
  const node = $('filter-node').value;
  const workload = $('filter-workload').value.trim().toLowerCase();
  const heartbeats = $('filter-heartbeat').checked;
  const rows = [];
  for (const e of state.events) {
    if (type && e.type !== type) continue;
    if (!type && !heartbeats && e.type === 'heartbeat') continue;
    if (node && e.source !== node) continue;
    if (workload && !(e.workload || '').toLowerCase().includes(workload)) continue;
    rows.push(el('tr', { 'data-type': e.type, 'data-source': e.source },
      el('td', { class: 'mono', title: e.time }, (e.time || '').replace('T', ' ').replace(/\.\d+Z$/, 'Z')),
      el('td', {}, e.type),
      el('td', { title: e.source }, nodeName(e.source)),
      el('td', {}, e.workload || ''),
      el('td', {}, describe(e.data))));
    if (rows.length >= 200) break;
  }
  $('events').tBodies[0].replaceChildren(...rows);
}

// ---- wiring ----

function connect() {
  const stream = new EventSource('/stream');
  stream.addEventListener('link', (e) => { state.link = JSON.parse(e.data); drawLink(); });
  stream.addEventListener('fleet', (e) => { state.fleet = JSON.parse(e.data); drawNodes(); drawWorkloads(); });
  stream.addEventListener('functions', (e) => { state.functions = JSON.parse(e.data); drawChart(); drawWorkloads(); });
  stream.addEventListener('events', (e) => addEvents(JSON.parse(e.data)));
  stream.addEventListener('open', () => drawLink());
  stream.addEventListener('error', () => { if (stream.readyState !== EventSource.OPEN) streamLost(); });
}

document.addEventListener('DOMContentLoaded', () => {
  for (const id of ['filter-type', 'filter-node', 'filter-workload', 'filter-heartbeat']) {
    $(id).addEventListener('input', drawEvents);
  }
  drawChart();
  connect();
});
