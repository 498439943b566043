// A third-party Binance client (the npm package `binance`, tiagosiebler's SDK) pointed at the soak feed
// emulator by base URL only: it subscribes to trades and a diff-depth stream through its own routing
// (/market/stream and /public/stream, live SUBSCRIBE), and keeps a local order book by Binance's documented
// procedure (buffer, REST snapshot from GET /fapi/v1/depth, drop u < lastUpdateId, start at
// U <= lastUpdateId <= u, then pu = previous u, else resync). It checks after every applied update that the
// book is not crossed, and prints one line "RESULT {json}" after the given number of seconds.
// Usage: node binance-local-book.js <npm prefix> <ws base> <rest base> <SYMBOL> <seconds> <diff kind>
'use strict';
const path = require('path');
const [, , prefix, wsBase, restBase, SYMBOL, seconds, diffKind] = process.argv;
const { WebsocketClient, USDMClient } = require(path.join(prefix, 'node_modules', 'binance'));

const sym = SYMBOL.toLowerCase();
const quiet = { trace() {}, debug() {}, info() {}, warning() {}, warn() {}, notice() {},
  error(...a) { stats.clientErrors.push(String(a[0]).slice(0, 200)); } };
const stats = { trades: 0, diffs: 0, snapshots: 0, resyncs: 0, applied: 0, stale: 0, crossed: 0, crossedSamples: [],
  responses: 0, errorReplies: 0, clientErrors: [], state: 'unsynced', tradeIdMax: 0, wsKeys: {} };

const rest = new USDMClient({ baseUrl: restBase, disableTimeSync: true });
const ws = new WebsocketClient({ wsUrl: wsBase, beautify: false }, quiet);

const bids = new Map();
const asks = new Map();
let buffer = [];
let fetching = false;
let anchor = -1;
let lastU = -1;

function load(side, levels) {
  for (const [p, q] of levels) {
    if (Number(q) === 0) side.delete(p); else side.set(p, q);
  }
}

function best(side, max) {
  let b = max ? -Infinity : Infinity;
  for (const p of side.keys()) {
    const v = Number(p);
    if (max ? v > b : v < b) b = v;
  }
  return b;
}

function apply(d) {
  load(bids, d.b);
  load(asks, d.a);
  lastU = d.u;
  stats.applied++;
  if (bids.size && asks.size) {
    const bb = best(bids, true);
    const ba = best(asks, false);
    if (bb >= ba) {
      stats.crossed++;
      if (stats.crossedSamples.length < 5) stats.crossedSamples.push({ u: d.u, bid: bb, ask: ba });
    }
  }
}

function resync() {
  stats.resyncs++;
  stats.state = 'unsynced';
  buffer = [];
  fetchSnapshot();
}

function onDiff(d) {
  stats.diffs++;
  if (stats.state === 'unsynced') {
    buffer.push(d);
    if (buffer.length > 5000) buffer.shift();
    fetchSnapshot();
    return;
  }
  if (stats.state === 'anchored') {
    if (d.u < anchor) { stats.stale++; return; }
    if (d.U <= anchor) { apply(d); stats.state = 'synced'; return; }
    buffer = [d];
    resync();
    return;
  }
  if (d.pu !== lastU) {
    buffer = [d];
    stats.resyncs++;
    stats.state = 'unsynced';
    fetchSnapshot();
    return;
  }
  apply(d);
}

function fetchSnapshot() {
  if (fetching) return;
  fetching = true;
  rest.getOrderBook({ symbol: SYMBOL, limit: 1000 }).then((snap) => {
    fetching = false;
    stats.snapshots++;
    bids.clear();
    asks.clear();
    load(bids, snap.bids);
    load(asks, snap.asks);
    anchor = snap.lastUpdateId;
    lastU = anchor;
    stats.state = 'anchored';
    const kept = buffer;
    buffer = [];
    for (const d of kept) onDiff(d);
    stats.diffs -= kept.length; // counted once already
  }, (e) => {
    fetching = false;
    stats.clientErrors.push('snapshot: ' + String(e && (e.message || e.code || e)).slice(0, 200));
    setTimeout(fetchSnapshot, 500);
  });
}

ws.on('response', (r) => {
  stats.responses++;
  if (r && r.error) stats.errorReplies++;
});
ws.on('message', (ev) => {
  const msg = ev && ev.stream ? ev : (ev && ev.data && ev.data.stream ? ev.data : ev);
  const stream = msg.stream;
  const data = msg.data || msg;
  if (ev && ev.wsKey) stats.wsKeys[ev.wsKey] = (stats.wsKeys[ev.wsKey] || 0) + 1;
  if (stream === sym + '@trade' || data.e === 'trade') {
    stats.trades++;
    if (data.t > stats.tradeIdMax) stats.tradeIdMax = data.t;
  } else if (stream === sym + '@' + diffKind || (data.e === 'depthUpdate' && data.pu !== undefined)) {
    onDiff(data);
  }
});
ws.on('exception', (e) => stats.clientErrors.push('exception: ' + String(e && (e.message || e.type || JSON.stringify(e))).slice(0, 200)));

ws.subscribe([sym + '@trade', sym + '@' + diffKind], 'usdm');

setTimeout(() => {
  stats.bids = bids.size;
  stats.asks = asks.size;
  stats.bestBid = best(bids, true);
  stats.bestAsk = best(asks, false);
  console.log('RESULT ' + JSON.stringify(stats));
  ws.closeAll(false);
  setTimeout(() => process.exit(0), 200);
}, Number(seconds) * 1000);
