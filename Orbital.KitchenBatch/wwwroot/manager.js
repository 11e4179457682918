// Orbital kitchen manager page: how the kitchen did over a period, read at a glance after a rush.
// - A strip of big numbers (#manager-summary): orders, ready, late, ticket time p50/p90, batches, waste.
// - Ticket time over the shift (#ticket-chart): p50 and p90 per bucket as lines, orders and late orders as bars.
// - Prep time per production item (#prep-chart): configured and learned side by side, the one the fire time uses
//   marked, what was measured beside them.
// - Batch sizes (#batch-size-chart), waste per item with its reasons (#waste-chart), surplus given to orders, and
//   small tables per station, per brand and of the slowest items.
// Everything comes from GET /api/analytics for the chosen period, asked again every minute. The page is for a device
// paired with a manager code (the manager key itself never goes into a browser): a screen's pairing gets 403, and
// the page says so and offers to pair again. Charts are SVG drawn here with DOM calls, and all text goes in with
// textContent: nothing the kitchen answers is ever parsed as markup. No build step, no library.

// This page's own device token (the station board keeps its own under orbital.token): pairing one never unpairs the other.
const tokenKey = "orbital.managerToken";
const periodKey = "orbital.managerPeriod";

// Period → how far back from now, and the bucket the timeline is cut into.
const periods = {
  "4h": { hours: 4, bucketMinutes: 15, label: "last 4 h" },
  "12h": { hours: 12, bucketMinutes: 60, label: "last 12 h" },
  "24h": { hours: 24, bucketMinutes: 60, label: "last 24 h" },
  "7d": { hours: 24 * 7, bucketMinutes: 360, label: "last 7 days" },
};
const defaultPeriod = "12h";
const refreshEvery = 60000;

const page = {
  period: defaultPeriod,
  showing: "nothing",   // "pairing" or "data"
  sequence: 0,          // the latest load: an older answer arriving late paints nothing
  retryTimer: null,
  retryDelay: 2000,
  loadedAt: 0,
};

const pairingKeys = {};
const svgNS = "http://www.w3.org/2000/svg";
const $ = (selector) => document.querySelector(selector);

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}

async function start() {
  $("#pairing").addEventListener("submit", onPair);
  $("#unpair").addEventListener("click", unpair);
  $("#period").addEventListener("click", onPeriod);
  window.addEventListener("online", () => load());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && page.showing === "data" && Date.now() - page.loadedAt > refreshEvery) {
      load();
    }
  });
  setInterval(() => {
    if (page.showing === "data") {
      load();
    }
  }, refreshEvery);
  choosePeriod(localStorage.getItem(periodKey));
  // Signed in or not is the analytics API's answer: a token kept here, or the sign-in cookie of an earlier pairing.
  await load();
}

// --- Loading, and what each answer means ---

async function load() {
  const sequence = ++page.sequence;
  clearTimeout(page.retryTimer);
  const period = periods[page.period];
  const to = new Date();
  const from = new Date(to.getTime() - period.hours * 3600000);
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), bucketMinutes: String(period.bucketMinutes) });
  try {
    const data = await request("GET", `/api/analytics?${query}`);
    if (sequence !== page.sequence) {
      return;
    }
    page.retryDelay = 2000;
    page.loadedAt = Date.now();
    showData(data);
  } catch (error) {
    if (sequence === page.sequence) {
      loadFailed(error);
    }
  }
}

function loadFailed(error) {
  if (error.status === 401) {
    // Not signed in, or the pairing was revoked or expired: a kept token is worth nothing now.
    const hadToken = Boolean(localStorage.getItem(tokenKey));
    localStorage.removeItem(tokenKey);
    showPairing(hadToken ? "This device's pairing is no longer valid (revoked or expired). Pair it again with a manager code." : "");
    return;
  }
  if (error.status === 403) {
    // Signed in, as a device that is not a manager's (a station screen).
    localStorage.removeItem(tokenKey);
    showPairing("This device is paired as a screen; pair it with a manager code to see the kitchen's numbers.", "forbidden");
    return;
  }
  const retryable = error.status === 0 || error.status === 429 || error.status >= 500;
  if (!retryable) {
    showMessage(`The numbers could not be loaded: ${error.message}`);
    markStale();
    return;
  }
  // Busy, restarting, its database down, or not reachable: asked again shortly, what is shown stays.
  const delay = Math.max((error.retryAfter || 0) * 1000, page.retryDelay * (0.5 + Math.random() / 2));
  page.retryDelay = Math.min(page.retryDelay * 2, refreshEvery);
  showMessage(`The kitchen cannot answer right now (${error.message}); trying again in ${Math.ceil(delay / 1000)} s.`, "warn");
  markStale();
  if (page.showing !== "data") {
    document.body.dataset.state = "retrying";
  }
  page.retryTimer = setTimeout(() => load(), delay);
}

function markStale() {
  if (page.showing === "data") {
    document.body.dataset.stale = "true";
  }
}

// --- Pairing ---

function showPairing(message, state = "pairing") {
  page.showing = "pairing";
  clearTimeout(page.retryTimer);
  $("#manager").hidden = true;
  $("#period").hidden = true;
  $("#unpair").hidden = true;
  $("#manager-asof").textContent = "";
  $("#pairing").hidden = false;
  showMessage(message);
  delete document.body.dataset.stale;
  document.body.dataset.state = state;
  $("#pairing-code").focus();
}

// A pairing code becomes this device's token; a pasted device token is kept only once the kitchen signed the
// browser in with it (the manager key is refused there, and so never lands in local storage).
async function onPair(event) {
  event.preventDefault();
  const input = $("#pairing-code");
  const submit = $("#pairing button[type=submit]");
  const entered = input.value.trim();
  submit.disabled = true;
  try {
    let token = entered;
    const code = /^\d{4}-?\d{4}$/.test(entered);
    if (code) {
      // A pairing retried (its answer lost) must get the same device back, not an "already used" code.
      pairingKeys[entered] ||= newKey();
      const paired = await request("POST", "/api/devices/pair", { body: { code: entered }, token: null, idempotencyKey: pairingKeys[entered] });
      token = paired.token;
    }
    try {
      await request("POST", "/api/sign-in", { token });
    } catch (error) {
      // A pasted token is kept only if the kitchen signs in with it. One the kitchen just paired is good (the pairing
      // answer set the cookie already, and every call here bears the token): only a refusal of it as such counts.
      if (!code || error.status === 401) {
        throw error;
      }
    }
    localStorage.setItem(tokenKey, token);
    input.value = "";
    showMessage("");
    document.body.dataset.state = "loading";
    await load();
  } catch (error) {
    showPairing(error.status === 0 ? "The kitchen cannot be reached; try again in a moment." : error.message);
  } finally {
    submit.disabled = false;
  }
}

async function unpair() {
  localStorage.removeItem(tokenKey);
  try {
    await fetch("/api/sign-out", { method: "POST" });
  } catch {
    // offline: the token is forgotten anyway
  }
  showPairing();
}

// --- Period ---

function onPeriod(event) {
  const button = event.target.closest("button[data-period]");
  if (!button || button.dataset.period === page.period) {
    return;
  }
  choosePeriod(button.dataset.period);
  localStorage.setItem(periodKey, page.period);
  load();
}

function choosePeriod(period) {
  page.period = Object.hasOwn(periods, period || "") ? period : defaultPeriod;
  for (const button of document.querySelectorAll("#period button[data-period]")) {
    button.setAttribute("aria-pressed", String(button.dataset.period === page.period));
  }
}

// --- Rendering ---

function showData(data) {
  page.showing = "data";
  $("#pairing").hidden = true;
  $("#manager").hidden = false;
  $("#period").hidden = false;
  $("#unpair").hidden = false;
  showMessage("");
  render(normalized(data));
  delete document.body.dataset.stale;
  document.body.dataset.state = "ready";
}

// The contract's shape, with absent lists as empty ones: a partial answer draws what it has.
function normalized(data) {
  const totals = data.totals || {};
  return {
    ...data,
    bucketMinutes: Number(data.bucketMinutes) || periods[page.period].bucketMinutes,
    totals: { ...totals, ticketSeconds: totals.ticketSeconds || {}, prepSeconds: totals.prepSeconds || {} },
    timeline: data.timeline || [],
    stations: data.stations || [],
    brands: data.brands || [],
    productionItems: data.productionItems || [],
    batchSizes: data.batchSizes || [],
    waste: data.waste || [],
    slowest: data.slowest || [],
  };
}

function render(data) {
  const { totals } = data;
  renderSummary(totals);
  const from = Date.parse(data.from);
  const to = Date.parse(data.to);
  const asOf = Date.parse(data.asOf);
  const withDay = to - from > 24 * 3600000;
  $("#manager-asof").textContent = `${periods[page.period].label}: ${timeLabel(from, withDay)} – ${timeLabel(to, withDay)} · as of ${timeLabel(Number.isNaN(asOf) ? Date.now() : asOf, false)}`;

  const noOrders = !(totals.orders > 0);
  const nothing = noOrders && !(totals.batches > 0) && data.waste.length === 0;
  $("#manager-empty").hidden = !noOrders;
  $("#manager-charts").hidden = nothing;
  if (nothing) {
    return;
  }
  renderTicketChart(data, withDay);
  renderPrepChart(data);
  renderBatchSizes(data);
  renderWaste(data);
  renderStations(data.stations);
  renderBrands(data.brands);
  renderSlowest(data.slowest);
}

function renderSummary(totals) {
  const summary = $("#manager-summary");
  const ticket = totals.ticketSeconds;
  setText(summary.querySelector(".summary-orders"), count(totals.orders));
  setText(summary.querySelector(".summary-ready"), count(totals.readyOrders));
  setText(summary.querySelector(".summary-late"), count(totals.lateOrders));
  setText(summary.querySelector(".summary-late-share"), totals.orders > 0 ? `${Math.round((100 * (totals.lateOrders || 0)) / totals.orders)}% of orders` : "");
  summary.querySelector(".stat-late").dataset.late = String(totals.lateOrders > 0);
  setText(summary.querySelector(".summary-ticket-p50"), minutesSeconds(ticket.p50));
  setText(summary.querySelector(".summary-ticket-p90"), minutesSeconds(ticket.p90));
  setText(summary.querySelector(".summary-batches"), count(totals.batches));
  setText(summary.querySelector(".summary-batch-size"), isNumber(totals.averageBatchSize) && totals.batches > 0 ? `${oneDecimal(totals.averageBatchSize)} per batch` : "");
  setText(summary.querySelector(".summary-waste"), count(totals.wasted));
  summary.querySelector(".stat-waste").dataset.wasted = String(totals.wasted > 0);
  setText(summary.querySelector(".summary-surplus"), `${count(totals.surplusGiven)} surplus given`);
}

// Ticket time p50 and p90 per bucket as lines over the orders per bucket, with the late ones in red beneath.
function renderTicketChart(data, withDay) {
  const container = $("#ticket-chart");
  $("#ticket-bucket").textContent = bucketText(data.bucketMinutes);
  const timeline = data.timeline;
  if (timeline.length === 0) {
    container.replaceChildren(note("No time buckets in this period."));
    return;
  }
  const width = 960;
  const height = 300;
  const left = 56;
  const right = 12;
  const lineTop = 16;
  const lineBottom = 186;
  const barTop = 204;
  const barBottom = 262;
  const slot = (width - left - right) / timeline.length;
  const x = (i) => left + slot * (i + 0.5);

  const seconds = timeline.flatMap((b) => [b.ticketSeconds?.p50, b.ticketSeconds?.p90]).filter(isNumber);
  const step = niceStep(Math.max(60, ...seconds), 4);
  const top = Math.max(step, Math.ceil(Math.max(60, ...seconds) / step) * step);
  const y = (s) => lineBottom - (s / top) * (lineBottom - lineTop);
  const maxOrders = Math.max(1, ...timeline.map((b) => b.orders || 0));
  const barHeight = (n) => ((n || 0) / maxOrders) * (barBottom - barTop);

  const chart = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg ticket-svg", role: "img" });
  chart.setAttribute("aria-label", `Ticket time per ${bucketText(data.bucketMinutes)}: p50 and p90, with orders and late orders`);

  const grid = svgElement("g", { class: "grid" });
  for (let s = 0; s <= top; s += step) {
    grid.append(
      svgElement("line", { x1: left, x2: width - right, y1: y(s), y2: y(s), class: s === 0 ? "axis" : "gridline" }),
      svgText(left - 8, y(s) + 4, minutesSeconds(s), { class: "tick", "text-anchor": "end" }));
  }
  grid.append(
    svgElement("line", { x1: left, x2: width - right, y1: barBottom, y2: barBottom, class: "axis" }),
    svgText(left - 8, barTop + 10, String(maxOrders), { class: "tick", "text-anchor": "end" }),
    svgText(left - 8, barBottom, "0", { class: "tick", "text-anchor": "end" }));
  chart.append(grid);

  // Orders and late orders per bucket, each bucket with a tooltip saying all of it.
  const bars = svgElement("g", { class: "bars" });
  const hits = svgElement("g", { class: "hits" });
  const barWidth = Math.max(1, slot * 0.7);
  timeline.forEach((bucket, i) => {
    const start = Date.parse(bucket.start);
    const ticket = bucket.ticketSeconds || {};
    const hit = svgElement("rect", { x: left + slot * i, y: lineTop, width: slot, height: barBottom - lineTop, class: "hit" });
    hit.append(svgTitle(`${timeLabel(start, withDay)}: ${count(bucket.orders)} orders, ${count(bucket.readyOrders)} ready, ${count(bucket.lateOrders)} late · ticket p50 ${minutesSeconds(ticket.p50)}, p90 ${minutesSeconds(ticket.p90)}`));
    hits.append(hit);
    if (bucket.orders > 0) {
      bars.append(svgElement("rect", { x: x(i) - barWidth / 2, y: barBottom - barHeight(bucket.orders), width: barWidth, height: barHeight(bucket.orders), class: "bar-orders" }));
    }
    if (bucket.lateOrders > 0) {
      const h = Math.max(2, barHeight(bucket.lateOrders));
      bars.append(svgElement("rect", { x: x(i) - barWidth / 2, y: barBottom - h, width: barWidth, height: h, class: "bar-late" }));
      if (slot >= 14) {
        bars.append(svgText(x(i), barBottom - h - 3, String(bucket.lateOrders), { class: "late-label", "text-anchor": "middle" }));
      }
    }
  });
  chart.append(bars);

  // The lines break where a bucket had no ticket to measure.
  for (const key of ["p90", "p50"]) {
    let path = "";
    let drawing = false;
    const points = svgElement("g", { class: `points points-${key}` });
    timeline.forEach((bucket, i) => {
      const value = bucket.ticketSeconds?.[key];
      if (!isNumber(value)) {
        drawing = false;
        return;
      }
      path += `${drawing ? "L" : "M"}${x(i).toFixed(1)} ${y(value).toFixed(1)} `;
      drawing = true;
      points.append(svgElement("circle", { cx: x(i), cy: y(value), r: 3.5 }));
    });
    if (path) {
      chart.append(svgElement("path", { d: path.trim(), class: `line line-${key}` }));
    }
    chart.append(points);
  }

  // Local times under the buckets, thinned to about ten labels.
  const every = Math.ceil(timeline.length / 10);
  const labels = svgElement("g", { class: "x-labels" });
  timeline.forEach((bucket, i) => {
    if (i % every === 0) {
      labels.append(svgText(x(i), height - 12, timeLabel(Date.parse(bucket.start), withDay), { class: "tick", "text-anchor": "middle" }));
    }
  });
  // Last, so that hovering anywhere over a bucket shows what it holds.
  chart.append(labels, hits);
  container.replaceChildren(chart);
}

// Per production item: configured and learned prep time on one scale, the one the fire time uses marked, and the
// measured p50–p90 beneath; a learned time not there yet reads "learning (n samples)".
function renderPrepChart(data) {
  const container = $("#prep-chart");
  $("#prep-source").textContent = prepSourceText(data.prepTimeSource);
  const items = [...data.productionItems].sort((a, b) => String(a.station).localeCompare(String(b.station)) || String(a.name).localeCompare(String(b.name)));
  if (items.length === 0) {
    container.replaceChildren(note("No production item was cooked in this period."));
    return;
  }
  const scale = Math.max(60, ...items.flatMap((i) => [i.configuredPrepSeconds, i.learnedPrepSeconds, i.firePrepSeconds, i.prepSeconds?.p90]).filter(isNumber));
  container.replaceChildren(...items.map((item) => {
    const fires = firesWith(item, data.prepTimeSource);
    const row = element("div", "prep-row");
    row.dataset.item = item.name;
    row.dataset.station = item.station;
    row.dataset.fires = fires || "";

    const head = element("div", "prep-head");
    head.append(element("span", "prep-item", item.name), element("span", "prep-station", item.station));
    if (fires === "other") {
      head.append(element("span", "prep-fire-note", `fire time uses ${minutesSeconds(item.firePrepSeconds)}`));
    }

    const samples = item.learnedSamples || 0;
    const learnedText = isNumber(item.learnedPrepSeconds)
      ? `${minutesSeconds(item.learnedPrepSeconds)} · ${plural(samples, "sample")}`
      : `learning (${plural(samples, "sample")})`;
    const measured = item.prepSeconds || {};
    row.append(
      head,
      prepBar("prep-configured", "Configured", item.configuredPrepSeconds, scale, fires === "configured", isNumber(item.configuredPrepSeconds) ? minutesSeconds(item.configuredPrepSeconds) : "not set"),
      prepBar("prep-learned", "Learned", item.learnedPrepSeconds, scale, fires === "learned", learnedText),
      measuredBar(measured, scale));
    return row;
  }));
}

function prepBar(className, label, seconds, scale, fires, text) {
  const line = element("div", `prep-bar ${className}`);
  line.classList.toggle("fires", fires);
  line.classList.toggle("absent", !isNumber(seconds));
  const track = barTrack();
  if (isNumber(seconds)) {
    track.append(svgElement("rect", { x: 0, y: 0, width: percent(seconds, scale), height: 10, class: "bar" }));
  }
  line.append(element("span", "prep-bar-label", label), track, element("span", "prep-bar-value", text));
  if (fires) {
    line.append(element("span", "fires-badge", "fire time"));
  }
  return line;
}

function measuredBar(measured, scale) {
  const line = element("div", "prep-bar prep-measured");
  const track = barTrack();
  const has = measured.count > 0 && isNumber(measured.p50);
  line.classList.toggle("absent", !has);
  if (has) {
    const p90 = isNumber(measured.p90) ? measured.p90 : measured.p50;
    track.append(
      svgElement("rect", { x: percent(measured.p50, scale), y: 2, width: Math.max(0.6, percent(p90, scale) - percent(measured.p50, scale)), height: 6, class: "range" }),
      svgElement("rect", { x: Math.max(0, percent(measured.p50, scale) - 0.4), y: 0, width: 0.8, height: 10, class: "median" }));
  }
  const text = has ? `${minutesSeconds(measured.p50)}–${minutesSeconds(measured.p90)} · ${plural(measured.count, "batch", "batches")}` : "not measured";
  line.append(element("span", "prep-bar-label", "Measured"), track, element("span", "prep-bar-value", text));
  return line;
}

function barTrack() {
  return svgElement("svg", { viewBox: "0 0 100 10", preserveAspectRatio: "none", class: "bar-track", "aria-hidden": "true" });
}

// Which prep time the fire time is the learned one or the configured one (when both are equal, what the kitchen
// says it uses decides); "other" when it is neither (a default, say).
function firesWith(item, source) {
  const fire = item.firePrepSeconds;
  if (!isNumber(fire)) {
    return null;
  }
  const learned = isNumber(item.learnedPrepSeconds) && Math.round(item.learnedPrepSeconds) === Math.round(fire);
  const configured = isNumber(item.configuredPrepSeconds) && Math.round(item.configuredPrepSeconds) === Math.round(fire);
  if (learned && configured) {
    return source === "Configured" ? "configured" : "learned";
  }
  return learned ? "learned" : configured ? "configured" : "other";
}

function renderBatchSizes(data) {
  const container = $("#batch-size-chart");
  const sizes = data.batchSizes.filter((s) => s.batches > 0).sort((a, b) => a.size - b.size);
  const average = data.totals.averageBatchSize;
  $("#batch-size-average").textContent = isNumber(average) && data.totals.batches > 0 ? `average ${oneDecimal(average)} per batch` : "";
  if (sizes.length === 0) {
    container.replaceChildren(note("No batches cooked in this period."));
    return;
  }
  const width = 480;
  const height = 220;
  const left = 36;
  const right = 8;
  const top = 18;
  const bottom = 186;
  const slot = (width - left - right) / sizes.length;
  const most = Math.max(1, ...sizes.map((s) => s.batches));
  const chart = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, class: "chart-svg batch-svg", role: "img" });
  chart.setAttribute("aria-label", "Batches per batch size");
  chart.append(
    svgElement("line", { x1: left, x2: width - right, y1: bottom, y2: bottom, class: "axis" }),
    svgText(width / 2, height - 4, "items per batch", { class: "axis-title", "text-anchor": "middle" }));
  sizes.forEach((size, i) => {
    const h = Math.max(1, (size.batches / most) * (bottom - top));
    const cx = left + slot * (i + 0.5);
    const barWidth = Math.max(2, slot * 0.72);
    const bar = svgElement("rect", { x: cx - barWidth / 2, y: bottom - h, width: barWidth, height: h, class: "bar-batches" });
    bar.dataset.size = String(size.size);
    bar.append(svgTitle(`${plural(size.batches, "batch", "batches")} of ${size.size}`));
    chart.append(bar);
    if (slot >= 16) {
      chart.append(
        svgText(cx, bottom - h - 4, String(size.batches), { class: "value-label", "text-anchor": "middle" }),
        svgText(cx, bottom + 16, String(size.size), { class: "tick", "text-anchor": "middle" }));
    }
  });
  container.replaceChildren(chart);
}

// Waste per production item (all its reasons together), most first, with the reasons listed under the bar.
function renderWaste(data) {
  const container = $("#waste-chart");
  const items = new Map();
  for (const entry of data.waste) {
    const key = `${entry.station}\u0000${entry.item}`;
    const item = items.get(key) || { station: entry.station, item: entry.item, quantity: 0, reasons: new Map() };
    item.quantity += entry.quantity || 0;
    const reason = entry.reason || "no reason given";
    item.reasons.set(reason, (item.reasons.get(reason) || 0) + (entry.quantity || 0));
    items.set(key, item);
  }
  const wasted = [...items.values()].filter((i) => i.quantity > 0).sort((a, b) => b.quantity - a.quantity || String(a.item).localeCompare(String(b.item)));
  const total = wasted.reduce((sum, i) => sum + i.quantity, 0);
  $("#waste-total").textContent = total > 0 ? `${total} thrown away` : "";
  if (wasted.length === 0) {
    container.replaceChildren(note("Nothing was thrown away in this period."));
  } else {
    const most = Math.max(...wasted.map((i) => i.quantity));
    container.replaceChildren(...wasted.map((item) => {
      const row = element("div", "waste-row");
      row.dataset.item = item.item;
      row.dataset.station = item.station;
      const track = barTrack();
      track.append(svgElement("rect", { x: 0, y: 0, width: percent(item.quantity, most), height: 10, class: "bar" }));
      const reasons = element("ul", "waste-reasons");
      reasons.append(...[...item.reasons].sort((a, b) => b[1] - a[1]).map(([reason, quantity]) => element("li", "waste-reason", `${reason} ×${quantity}`)));
      const head = element("div", "waste-head");
      head.append(element("span", "waste-item", item.item), element("span", "waste-station", item.station));
      row.append(head, track, element("span", "waste-quantity", String(item.quantity)), reasons);
      return row;
    }));
  }

  const given = data.productionItems.filter((i) => i.surplusGiven > 0).sort((a, b) => b.surplusGiven - a.surplusGiven);
  $("#surplus-given-total").textContent = `· ${count(data.totals.surplusGiven)}`;
  const list = $("#surplus-given");
  list.replaceChildren(...given.map((item) => {
    const li = element("li", "surplus-given-item");
    li.dataset.item = item.name;
    li.append(element("span", "surplus-given-quantity", String(item.surplusGiven)), element("span", "surplus-given-name", item.name));
    return li;
  }));
  if (given.length === 0) {
    list.append(element("li", "empty-note", "No cooked surplus went to later orders."));
  }
}

function renderStations(stations) {
  fillTable("#station-table", [...stations].sort((a, b) => String(a.station).localeCompare(String(b.station))), (s) => [
    cell(s.station, "name"),
    cell(`${count(s.items)} / ${count(s.batches)}`, "num"),
    cell(percentiles(s.prepSeconds), "num"),
    cell(percentiles(s.ticketSeconds), "num"),
    cell(count(s.lateLines), s.lateLines > 0 ? "num late" : "num"),
    cell(count(s.wasted), s.wasted > 0 ? "num wasted" : "num"),
  ], 6, "No station cooked in this period.", (row, s) => {
    row.dataset.station = s.station;
    row.title = s.batches > 0 && isNumber(s.averageBatchSize) ? `${oneDecimal(s.averageBatchSize)} items per batch` : "";
  });
}

function renderBrands(brands) {
  fillTable("#brand-table", [...brands].sort((a, b) => (b.orders || 0) - (a.orders || 0) || String(a.brand).localeCompare(String(b.brand))), (b) => [
    cell(b.brand, "name"),
    cell(count(b.orders), "num"),
    cell(b.orders > 0 ? `${count(b.lateOrders)} (${Math.round((100 * (b.lateOrders || 0)) / b.orders)}%)` : count(b.lateOrders), b.lateOrders > 0 ? "num late" : "num"),
    cell(percentiles(b.ticketSeconds), "num"),
  ], 4, "No brand had orders in this period.", (row, b) => {
    row.dataset.brand = b.brand;
  });
}

function renderSlowest(slowest) {
  fillTable("#slowest-table", slowest, (i) => [
    cell(i.name, "name"),
    cell(i.station),
    cell(minutesSeconds(i.prepSeconds?.p50), "num"),
    cell(minutesSeconds(i.prepSeconds?.p90), "num strong"),
    cell(count(i.prepSeconds?.count), "num"),
    cell(minutesSeconds(i.configuredPrepSeconds), "num"),
    cell(isNumber(i.learnedPrepSeconds) ? minutesSeconds(i.learnedPrepSeconds) : `learning (${i.learnedSamples || 0})`, "num"),
    cell(minutesSeconds(i.firePrepSeconds), "num"),
    cell(count(i.batches), "num"),
    cell(isNumber(i.averageBatchSize) ? oneDecimal(i.averageBatchSize) : "–", "num"),
  ], 10, "Nothing measured in this period.", (row, i) => {
    row.dataset.item = i.name;
  });
}

// One row per entry in the body; "nothing here" goes in the footer, so that body rows are always data.
function fillTable(selector, rows, cells, columns, empty, decorate) {
  const table = $(selector);
  table.deleteTFoot();
  if (rows.length === 0) {
    const only = cell(empty, "empty-note");
    only.colSpan = columns;
    table.createTFoot().insertRow().append(only);
  }
  table.tBodies[0].replaceChildren(...rows.map((item) => {
    const row = document.createElement("tr");
    row.append(...cells(item));
    decorate?.(row, item);
    return row;
  }));
}

function cell(text, className) {
  return element("td", className || "", text);
}

// --- Small helpers ---

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = String(text ?? "");
  }
  return node;
}

function note(text) {
  return element("p", "empty-note", text);
}

function svgElement(name, attributes = {}) {
  const node = document.createElementNS(svgNS, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) {
      node.setAttribute(key, typeof value === "number" ? String(Math.round(value * 100) / 100) : String(value));
    }
  }
  return node;
}

function svgText(x, y, text, attributes = {}) {
  const node = svgElement("text", { x, y, ...attributes });
  node.textContent = text;
  return node;
}

function svgTitle(text) {
  const node = svgElement("title");
  node.textContent = text;
  return node;
}

function setText(node, text) {
  node.textContent = text;
}

function showMessage(message, kind = "error") {
  const box = $("#manager-error");
  box.textContent = message || "";
  box.dataset.kind = kind;
  box.hidden = !message;
}

function isNumber(value) {
  return typeof value === "number" && Number.isFinite(value);
}

function count(value) {
  return isNumber(value) ? String(value) : "0";
}

function oneDecimal(value) {
  return (Math.round(value * 10) / 10).toFixed(1);
}

function percent(value, of) {
  return of > 0 ? Math.max(0, Math.min(100, (value / of) * 100)) : 0;
}

function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

// Seconds as "m:ss" (a ticket of an hour and a half is "90:00"); "–" when there was nothing to measure.
function minutesSeconds(seconds) {
  if (!isNumber(seconds)) {
    return "–";
  }
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

function percentiles(p) {
  return p && (isNumber(p.p50) || isNumber(p.p90)) ? `${minutesSeconds(p.p50)} / ${minutesSeconds(p.p90)}` : "–";
}

// A local wall-clock time, 24-hour ("12:32"), with the weekday when the period spans days ("Mon 06:00").
function timeLabel(ms, withDay) {
  if (Number.isNaN(ms)) {
    return "";
  }
  const date = new Date(ms);
  const time = `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
  return withDay ? `${date.toLocaleDateString(undefined, { weekday: "short" })} ${time}` : time;
}

function bucketText(minutes) {
  return minutes % 60 === 0 ? (minutes === 60 ? "hour" : `${minutes / 60} h`) : `${minutes} min`;
}

// A step for the axis (in seconds, on whole minutes past a minute) giving at most about `ticks` gridlines.
function niceStep(max, ticks) {
  const steps = [15, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 14400];
  return steps.find((s) => max / s <= ticks) || Math.ceil(max / ticks / 3600) * 3600;
}

function prepSourceText(source) {
  switch (source) {
    case "Configured": return "fire times use the configured prep times";
    case "Learned": return "fire times use the learned prep times";
    case "LearnedWithFallback": return "fire times use learned prep times, configured ones until enough samples";
    default: return "";
  }
}

// JSON in and out. Whatever goes wrong becomes an Error with the HTTP status (0: no answer) and the problem's detail.
async function request(method, path, options = {}) {
  const headers = { Accept: "application/json" };
  const token = "token" in options ? options.token : localStorage.getItem(tokenKey);
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (options.body) {
    headers["Content-Type"] = "application/json";
  }
  if (options.idempotencyKey) {
    headers["Idempotency-Key"] = options.idempotencyKey;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: options.body ? JSON.stringify(options.body) : undefined, signal: AbortSignal.timeout(20000) });
  } catch {
    throw answerError(0, "no answer from the kitchen");
  }
  if (!response.ok) {
    throw answerError(response.status, await problemDetail(response), Number(response.headers.get("Retry-After")) || 0);
  }
  return response.status === 204 ? null : response.json();
}

function answerError(status, detail, retryAfter = 0) {
  const error = new Error(detail);
  error.status = status;
  error.retryAfter = retryAfter;
  return error;
}

