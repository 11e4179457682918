// Insert -> order.received on a screen of each of two kitchen instances, measured from outside: a Node process
// writes orders into the platform's MongoDB with its own driver and reads both instances' /api/events over HTTP.
// Usage (both kitchens running, see docs/operations.md "Kitchen replicas"):
//   npm install mongodb@6 && MK=<manager key> node replica-fan-out.mjs <mongodb port> <orders> <orders per second> [A url] [B url]
import { MongoClient } from 'mongodb';
const key = process.env.MK, port = process.argv[2], n = +process.argv[3], rate = +process.argv[4];
const urlA = process.argv[5] ?? 'http://127.0.0.1:8001', urlB = process.argv[6] ?? 'http://127.0.0.1:8011';
const tag = 'fan' + Date.now();
const seen = { A: new Map(), B: new Map() };
async function listen(name, base) {
  const r = await fetch(base + '/api/events', { headers: { Authorization: 'Bearer ' + key, Accept: 'text/event-stream' } });
  const reader = r.body.getReader(); const dec = new TextDecoder(); let buf = '';
  (async () => { for (;;) { const { value, done } = await reader.read(); if (done) return; buf += dec.decode(value, { stream: true });
    let i; while ((i = buf.indexOf('\n\n')) >= 0) { const block = buf.slice(0, i); buf = buf.slice(i + 2);
      if (block.includes('event: order.received')) { const m = block.match(/"orderId":\s*"([^"]+)"/); if (m && m[1].startsWith(tag)) seen[name].set(m[1], performance.now()); } } } })();
}
await listen('A', urlA); await listen('B', urlB);
const c = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`); await c.connect();
const col = c.db('orbital').collection('orders');
const sent = new Map(); await new Promise(r => setTimeout(r, 500));
for (let i = 0; i < n; i++) {
  const id = `${tag}-${i}`; const t = performance.now();
  await col.insertOne({ OtterOrderId: id, BrandName: 'Fan', PlacedAt: new Date(), StationOrders: [{ OwnStationName: 'Fan Station', OrderItems: [{ Name: 'Fries', Quantity: 1 }] }] });
  sent.set(id, t);
  await new Promise(r => setTimeout(r, 1000 / rate));
}
await new Promise(r => setTimeout(r, 3000));
const pct = (a, p) => a[Math.min(a.length - 1, Math.floor(a.length * p))];
for (const name of ['A', 'B']) {
  const d = [...sent].filter(([id]) => seen[name].has(id)).map(([id, t]) => seen[name].get(id) - t).sort((x, y) => x - y);
  console.log(name, 'received', d.length, '/', n, 'p50', pct(d, .5)?.toFixed(1), 'ms p99', pct(d, .99)?.toFixed(1), 'ms max', d[d.length - 1]?.toFixed(1));
}
await c.close(); process.exit(0);
