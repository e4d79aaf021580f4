// Earshot flip monitor operator page: polls the monitor's API, no build step, no dependencies.
'use strict';

const REFRESH_MS = 2000;
const FLIP_THRESHOLD = 0.7; // drawn as a guide only; the monitor's policy decides

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

/** Polyline of probabilities (0..1, nulls skipped) in a width x height box. */
function probabilityPath(values, width, height) {
  const n = values.length;
  const pts = [];
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    const x = n <= 1 ? width : (i / (n - 1)) * width;
    const y = height - v * height;
    pts.push(x.toFixed(1) + ',' + y.toFixed(1));
  });
  return pts.join(' ');
}

function sparkline(values, width, height, cls) {
  const svg = svgEl('svg', {viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none'});
  if (cls) svg.setAttribute('class', cls);
  const y = (height - FLIP_THRESHOLD * height).toFixed(1);
  svg.appendChild(svgEl('line', {x1: 0, x2: width, y1: y, y2: y, class: 'threshold'}));
  svg.appendChild(svgEl('polyline', {points: probabilityPath(values, width, height)}));
  return svg;
}

function ago(millis) {
  const s = Math.max(0, Math.round((Date.now() - millis) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return Math.floor(s / 3600) + ' h ago';
}

function stateBadge(state) {
  return el('span', {class: 'state ' + state}, state);
}

function selected() {
  const m = location.hash.match(/^#stream=(.+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

function renderFleet(data) {
  const body = document.getElementById('streams');
  body.replaceChildren();
  const counts = {};
  for (const s of data.streams) {
    counts[s.state] = (counts[s.state] || 0) + 1;
    const tr = el('tr', {'data-stream': s.streamId, 'data-state': s.state});
    tr.appendChild(el('td', {class: 'stream-id'}, s.streamId));
    const st = el('td'); st.appendChild(stateBadge(s.state)); tr.appendChild(st);
    tr.appendChild(el('td', {}, ago(s.sinceMillis)));
    tr.appendChild(el('td', {}, s.smoothed === null ? '–' : s.smoothed.toFixed(2)));
    const sp = el('td'); sp.appendChild(sparkline(s.sparkline, 160, 28, 'spark')); tr.appendChild(sp);
    tr.appendChild(el('td', {}, s.correction ? (s.swapActive ? 'swapping back' : 'armed') : 'off'));
    tr.appendChild(el('td', {}, ago(s.lastSeenMillis)));
    tr.addEventListener('click', () => { location.hash = 'stream=' + encodeURIComponent(s.streamId); });
    body.appendChild(tr);
  }
  document.getElementById('empty').hidden = data.streams.length > 0;
  const parts = Object.entries(counts).map(([k, v]) => `${v} ${k}`);
  let summary = `${data.streams.length} streams` + (parts.length ? ' · ' + parts.join(' · ') : '');
  summary += ` · ${data.instances.length} instance(s)`;
  if (data.unavailable.length) summary += ` · unreachable: ${data.unavailable.join(', ')}`;
  document.getElementById('summary').textContent = summary;
}

async function renderDetail(id) {
  const section = document.getElementById('detail');
  if (!id) { section.hidden = true; return; }
  const res = await fetch('api/streams/' + encodeURIComponent(id));
  if (!res.ok) { section.hidden = true; return; }
  const s = await res.json();
  section.hidden = false;
  document.getElementById('detail-id').textContent = s.streamId;
  const badge = document.getElementById('detail-state');
  badge.className = 'state ' + s.state;
  badge.textContent = s.state;

  const history = document.getElementById('history');
  history.replaceChildren(...sparkline(s.history.map(p => p.smoothed), 600, 160).childNodes);

  const facts = document.getElementById('facts');
  facts.replaceChildren();
  const add = (k, v) => { facts.appendChild(el('dt', {}, k)); facts.appendChild(el('dd', {}, v)); };
  add('state since', new Date(s.sinceMillis).toISOString());
  add('smoothed probability', s.smoothed === null ? '–' : s.smoothed.toFixed(3));
  add('clips in history', String(s.history.length));
  add('model', s.modelVersion || '–');
  add('correction', s.correction ? (s.swapActive ? 'swapping left/right back' : 'armed') : 'off');
  add('served by', s.instance);

  const img = document.getElementById('frame');
  const marker = document.getElementById('marker');
  const caption = document.getElementById('frame-caption');
  if (s.frame) {
    img.src = 'api/streams/' + encodeURIComponent(s.streamId) + '/frame?t=' + Date.now();
    caption.textContent = 'latest frame';
  } else {
    img.removeAttribute('src');
    caption.textContent = 'no frame yet';
  }
  if (s.track && s.track.x !== null) {
    marker.hidden = false;
    marker.style.left = (s.track.x * 100).toFixed(1) + '%';
    marker.setAttribute('data-x', s.track.x.toFixed(3));
    caption.textContent += ` · sound source at x=${s.track.x.toFixed(2)} (${s.track.method}, confidence ${s.track.confidence.toFixed(2)})`;
  } else {
    marker.hidden = true;
  }
}

async function refresh() {
  const error = document.getElementById('error');
  try {
    const res = await fetch('api/streams');
    if (!res.ok) throw new Error('HTTP ' + res.status + ' from api/streams');
    renderFleet(await res.json());
    await renderDetail(selected());
    error.hidden = true;
    document.body.setAttribute('data-loaded', 'true');
  } catch (e) {
    error.textContent = 'monitor unavailable: ' + e.message;
    error.hidden = false;
  }
}

window.addEventListener('hashchange', refresh);
refresh();
setInterval(refresh, REFRESH_MS);
