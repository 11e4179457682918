// Orbital station board: one station's batch items, live from /api/events, with start and complete; the station's
// surplus (cooked food no order has), with discard; and the orders ready for packing, cancelled ones marked.
// Every tap (start, complete, discard) carries an Idempotency-Key and goes through a queue kept in local storage:
// while the kitchen is unreachable, taps wait (visibly) and are sent in order, with their keys, when it is back, so
// a retry never cooks or bins anything twice; a tap the kitchen refuses is shown, not dropped.
// No build step, no framework: the page is served as-is by the kitchen service.
"use strict";

const board = {
  station: "",
  items: new Map(),          // batch item id -> view
  ready: new Map(),          // order id -> ready order view (with cancelled: true once the order is cancelled)
  surplus: new Map(),        // batch item id -> surplus view (only those with a quantity)
  lastEventId: null,         // the last event applied; a reconnect resumes after it
  source: null,
  retryDelay: 1000,
  retryTimer: null,
  quietTimer: null,
};

const $ = (selector) => document.querySelector(selector);
const stationSelect = $("#station");
const cardList = $("#batch-items");
const readyList = $("#ready-orders");
const cardTemplate = $("#card-template");
const surplusList = $("#surplus-items");
const surplusTemplate = $("#surplus-template");

// A cancelled order stays on the ready list, struck through, this long (or until the next snapshot), so that the
// packer sees it and takes it off the pass instead of packing it.
const cancelledShownFor = 15 * 60000;

document.addEventListener("DOMContentLoaded", start);

// The device token this screen was paired with; the sign-in cookie (for EventSource) is set from it.
const tokenKey = "orbital.token";
const deviceStationKey = "orbital.deviceStation";

// Taps not yet answered by the kitchen, oldest first, with the Idempotency-Key each was given when it was made.
const tapsKey = "orbital.taps";
const refusedKey = "orbital.refusedTaps";
const taps = {
  pending: loadTaps(tapsKey),
  refused: loadTaps(refusedKey),   // taps the kitchen refused (or that cannot be sent): shown until dismissed
  sending: false,
  retryTimer: null,
  retryDelay: 1000,
  waitingWhy: "",
};

async function start() {
  stationSelect.addEventListener("change", () => selectStation(stationSelect.value));
  cardList.addEventListener("click", onCardClick);
  surplusList.addEventListener("click", onSurplusClick);
  surplusList.addEventListener("submit", onDiscard);
  $("#pairing-form").addEventListener("submit", onPair);
  $("#unpair").addEventListener("click", unpair);
  $("#taps-refused").addEventListener("click", onDismissRefused);
  window.addEventListener("online", () => sendTaps());
  renderTaps();
  setInterval(renderAges, 1000);
  setInterval(forgetOldCancellations, 30000);
  if (!localStorage.getItem(tokenKey)) {
    showPairing();
    return;
  }
  try {
    await api("POST", "/api/sign-in");
  } catch (error) {
    if (!localStorage.getItem(tokenKey)) {
      return; // the token was refused: the pairing screen is up
    }
  }
  await showBoard();
  sendTaps();
}

async function showBoard() {
  $("#pairing").hidden = true;
  $("#board").hidden = false;
  $("#unpair").hidden = false;
  stationSelect.closest("label").hidden = false;
  await loadStations();
  const wanted = localStorage.getItem(deviceStationKey) || new URLSearchParams(location.search).get("station") || localStorage.getItem("orbital.station") || "";
  if (wanted && [...stationSelect.options].some((o) => o.value === wanted)) {
    stationSelect.value = wanted;
    await selectStation(wanted);
  }
}

function showPairing(message) {
  closeStream();
  $("#board").hidden = true;
  $("#unpair").hidden = true;
  stationSelect.closest("label").hidden = true;
  $("#pairing").hidden = false;
  const error = $("#pairing-error");
  error.textContent = message || "";
  error.hidden = !message;
  setConnection("offline", "Not paired");
  $("#pairing-code").focus();
}

const pairingKeys = {};

// A pairing code (from a manager) becomes this screen's token; a pasted token is kept only once the kitchen signed
// the browser in with it as a device (the manager key is refused there, and so never lands in local storage).
async function onPair(event) {
  event.preventDefault();
  const entered = $("#pairing-code").value.trim();
  try {
    if (/^\d{4}-?\d{4}$/.test(entered)) {
      // A pairing retried (its answer lost) must get the same device back, not an "already used" code.
      pairingKeys[entered] ||= newKey();
      const paired = await api("POST", "/api/devices/pair", { code: entered }, { idempotencyKey: pairingKeys[entered] });
      localStorage.setItem(tokenKey, paired.token);
      setDeviceStation(paired.device.station);
    } else {
      await api("POST", "/api/sign-in", undefined, { token: entered });
      localStorage.setItem(tokenKey, entered);
      setDeviceStation(null);
    }
    $("#pairing-code").value = "";
    await showBoard();
    sendTaps();
  } catch (error) {
    showPairing(error.message);
  }
}

function setDeviceStation(station) {
  if (station) {
    localStorage.setItem(deviceStationKey, station);
  } else {
    localStorage.removeItem(deviceStationKey);
  }
}

async function unpair() {
  localStorage.removeItem(tokenKey);
  taps.pending = [];
  taps.refused = [];
  saveTaps();
  renderTaps();
  setDeviceStation(null);
  try {
    await fetch("/api/sign-out", { method: "POST" });
  } catch {
    // offline: the token is forgotten anyway
  }
  showPairing();
}

async function loadStations() {
  try {
    const stations = await api("GET", "/api/stations");
    const current = stationSelect.value;
    stationSelect.replaceChildren(new Option("Choose a station…", ""));
    for (const s of stations) {
      const label = s.openQuantity > 0 ? `${s.station} (${s.openQuantity})` : s.station;
      stationSelect.add(new Option(label, s.station));
    }
    stationSelect.value = current;
  } catch (error) {
    showError(`Stations could not be loaded: ${error.message}`);
  }
}

async function selectStation(station) {
  board.station = station;
  localStorage.setItem("orbital.station", station);
  const url = new URL(location.href);
  url.searchParams.set("station", station);
  history.replaceState(null, "", url);
  closeStream();
  board.items.clear();
  board.surplus.clear();
  renderCards();
  renderSurplus();
  $("#pick").hidden = Boolean(station);
  if (!station) {
    setConnection("offline", "Offline");
    return;
  }
  await loadStation();
}

// The station's batch items, ready orders and surplus, read in one snapshot with the event id they were read at,
// then the stream from exactly there.
async function loadStation() {
  try {
    setConnection("connecting", "Connecting…");
    closeStream();
    const snapshot = await api("GET", `/api/stations/${encodeURIComponent(board.station)}/board`);
    board.items = new Map(snapshot.items.map((item) => [item.id, item]));
    board.ready = new Map(snapshot.readyOrders.map((order) => [order.orderId, order]));
    board.surplus = new Map((snapshot.surplus || []).filter((s) => s.quantity > 0).map((s) => [s.id, s]));
    board.lastEventId = snapshot.lastEventId;
    renderCards();
    renderReady();
    renderSurplus();
    openStream();
  } catch (error) {
    setConnection("offline", "Offline");
    scheduleReconnect();
  }
}

function openStream() {
  closeStream();
  const query = new URLSearchParams({ station: board.station });
  if (board.lastEventId !== null) {
    query.set("lastEventId", String(board.lastEventId));
  }
  const source = new EventSource(`/api/events?${query}`);
  board.source = source;

  source.onopen = () => {
    board.retryDelay = 1000;
    setConnection("live", "Live");
    sendTaps(); // the kitchen is reachable again: what waited goes out now
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) {
      // The browser gave up (the server answered an error): reconnect ourselves, from the last event seen.
      setConnection("offline", "Offline");
      scheduleReconnect();
    } else {
      setConnection("reconnecting", "Reconnecting…");
    }
  };

  source.addEventListener("heartbeat", () => heard());
  // The kitchen's state is not what this board holds (its database was restored or recreated): start over.
  source.addEventListener("reset", () => {
    heard();
    loadStation();
  });
  source.addEventListener("batch.updated", (e) => apply(e, (item) => {
    if (item.station !== board.station) {
      return;
    }
    const isNew = !board.items.has(item.id);
    if (item.openQuantity > 0) {
      board.items.set(item.id, item);
    } else {
      board.items.delete(item.id);
    }
    renderCards(item.id, isNew);
  }));
  source.addEventListener("order.ready", (e) => apply(e, (order) => {
    board.ready.set(order.orderId, order);
    renderReady();
  }));
  source.addEventListener("surplus.updated", (e) => apply(e, ({ surplus }) => {
    if (surplus.station !== board.station) {
      return;
    }
    setSurplus(surplus);
    renderSurplus(surplus.id);
  }));
  source.addEventListener("order.received", (e) => apply(e, (order) => knowStations(order.stations)));
  source.addEventListener("order.updated", (e) => apply(e, onOrderUpdated));
  source.addEventListener("order.cancelled", (e) => apply(e, onOrderCancelled));
}

// A station the picker does not list yet (an order brought it): list the stations again.
function knowStations(stations) {
  if (stations.some((s) => ![...stationSelect.options].some((o) => o.value === s))) {
    loadStations();
  }
}

// A ready order that was changed and is open again (it got new lines) must not be packed as it is: it leaves the
// ready list, and comes back with order.ready once its new lines are cooked.
function onOrderUpdated(order) {
  knowStations([...new Set(order.lines.map((line) => line.station))]);
  const shown = board.ready.get(order.orderId);
  if (!shown) {
    return;
  }
  if (order.status !== "Ready") {
    board.ready.delete(order.orderId);
  } else if (!shown.cancelled) {
    shown.brand = order.brand;
  }
  // A cancelled entry whose order is ready again is replaced by the order.ready that follows this event.
  renderReady();
}

// A cancelled order may already be on the pass: rather than vanish from the list (and be packed anyway), it stays,
// marked cancelled. Its cooked food is surplus now (surplus.updated says so for its station).
function onOrderCancelled(order) {
  const shown = board.ready.get(order.orderId);
  if (!shown) {
    return;
  }
  board.ready.set(order.orderId, { ...shown, cancelled: true, cancelReason: order.reason, cancelledSeenAt: Date.now() });
  renderReady();
}

function forgetOldCancellations() {
  const now = Date.now();
  const old = [...board.ready.values()].filter((order) => order.cancelled && now - order.cancelledSeenAt > cancelledShownFor);
  old.forEach((order) => board.ready.delete(order.orderId));
  if (old.length > 0) {
    renderReady();
  }
}

function apply(event, handle) {
  heard();
  const id = Number(event.lastEventId);
  if (board.lastEventId !== null && id <= board.lastEventId) {
    return; // already applied
  }
  board.lastEventId = id;
  handle(JSON.parse(event.data));
}

// A stream that stays silent longer than two heartbeats is dead even if the socket looks open.
function heard() {
  setConnection("live", "Live");
  clearTimeout(board.quietTimer);
  board.quietTimer = setTimeout(() => {
    setConnection("reconnecting", "Reconnecting…");
    openStream();
  }, 35000);
}

function closeStream() {
  clearTimeout(board.quietTimer);
  clearTimeout(board.retryTimer);
  if (board.source) {
    board.source.close();
    board.source = null;
  }
}

function scheduleReconnect() {
  clearTimeout(board.retryTimer);
  const delay = board.retryDelay * (0.5 + Math.random() / 2);
  board.retryDelay = Math.min(board.retryDelay * 2, 30000);
  // The browser gave up on the stream because the kitchen refused it (revoked, too many streams, ...): start over
  // from a snapshot, whose API call says what is wrong (a 401 goes back to pairing).
  board.retryTimer = setTimeout(() => loadStation(), delay);
}

function onCardClick(event) {
  const button = event.target.closest("button");
  const card = event.target.closest(".card");
  if (!button || !card) {
    return;
  }
  const id = Number(card.dataset.batchItemId);
  const input = card.querySelector(".quantity");
  if (button.dataset.step) {
    const item = board.items.get(id);
    input.value = clamp(Number(input.value || 0) + Number(button.dataset.step), 1, item ? item.openQuantity : 1);
    card.dataset.touched = "true";
    return;
  }
  const action = button.dataset.action;
  const quantity = Number(input.value);
  const item = board.items.get(id);
  const label = `${action === "complete" ? "Complete" : "Start"} ${quantity} × ${item ? describe(item) : `batch item ${id}`}`;
  delete card.dataset.touched;
  queueTap(`/api/batch-items/${id}/${action}`, { quantity }, label);
}

function renderCards(changedId, isNew) {
  const items = [...board.items.values()].sort(
    (a, b) => (Date.parse(a.oldestOpenPlacedAt) || Infinity) - (Date.parse(b.oldestOpenPlacedAt) || Infinity) || a.id - b.id);
  const existing = new Map([...cardList.children].map((li) => [Number(li.dataset.batchItemId), li]));
  const cards = items.map((item) => {
    const card = existing.get(item.id) || cardTemplate.content.firstElementChild.cloneNode(true);
    fillCard(card, item);
    if (item.id === changedId && !isNew) {
      flash(card);
    }
    return card;
  });
  cardList.replaceChildren(...cards);
  $("#empty").hidden = !board.station || items.length > 0;
  const open = items.reduce((sum, item) => sum + item.openQuantity, 0);
  $("#open-total").textContent = board.station ? `· ${open}` : "";
  const option = [...stationSelect.options].find((o) => o.value === board.station && o.value);
  if (option) {
    option.textContent = open > 0 ? `${board.station} (${open})` : board.station;
  }
  renderAges();
}

function fillCard(card, item) {
  card.dataset.batchItemId = item.id;
  card.querySelector(".item-name").textContent = item.itemName;
  fillModifiers(card.querySelector(".modifiers"), item.modifiers);
  card.querySelector(".open-quantity").textContent = item.openQuantity;
  card.querySelector(".in-progress-quantity").textContent = item.inProgressQuantity;
  card.querySelector(".waiting-quantity").textContent = item.waitingQuantity;
  card.dataset.placedAt = item.oldestOpenPlacedAt || "";
  const input = card.querySelector(".quantity");
  input.max = item.openQuantity;
  if (!card.dataset.touched || Number(input.value) > item.openQuantity) {
    input.value = item.waitingQuantity > 0 ? item.waitingQuantity : item.openQuantity;
  }
  updateButtons(card, item);
}

function fillModifiers(list, modifiers) {
  list.replaceChildren(...modifiers.map((m) => {
    const li = document.createElement("li");
    li.textContent = m;
    return li;
  }));
}

// Restarts the highlight animation, so that a change a cook did not make himself catches the eye.
function flash(element) {
  element.classList.remove("flash");
  void element.offsetWidth;
  element.classList.add("flash");
}

function updateButtons(card, item) {
  if (!item) {
    return;
  }
  card.querySelector(".start").disabled = item.waitingQuantity < 1;
  card.querySelector(".complete").disabled = item.openQuantity < 1;
}

function renderAges() {
  const now = Date.now();
  for (const card of cardList.children) {
    const placed = Date.parse(card.dataset.placedAt);
    const age = Number.isNaN(placed) ? 0 : Math.max(0, now - placed);
    card.querySelector(".age").textContent = Number.isNaN(placed) ? "" : duration(age);
    card.dataset.age = age > 20 * 60000 ? "late" : age > 10 * 60000 ? "warn" : "ok";
  }
  for (const li of readyList.children) {
    li.querySelector(".ready-age").textContent = duration(now - Date.parse(li.dataset.readyAt));
  }
  for (const li of surplusList.children) {
    const since = Date.parse(li.dataset.since);
    li.querySelector(".surplus-age").textContent = Number.isNaN(since) ? "" : `waiting ${duration(Math.max(0, now - since))}`;
  }
}

function renderReady() {
  const orders = [...board.ready.values()].sort((a, b) => Date.parse(b.readyAt) - Date.parse(a.readyAt)).slice(0, 50);
  readyList.replaceChildren(...orders.map(readyEntry));
  renderAges();
}

function readyEntry(order) {
  const li = document.createElement("li");
  li.dataset.orderId = order.orderId;
  li.dataset.readyAt = order.readyAt;
  li.dataset.state = order.cancelled ? "cancelled" : "ready";
  li.classList.toggle("cancelled", Boolean(order.cancelled));
  li.innerHTML = '<span class="order-id"></span><span class="brand-name"></span><span class="ready-age"></span>';
  li.querySelector(".order-id").textContent = order.orderId;
  li.querySelector(".brand-name").textContent = order.brand;
  if (order.cancelled) {
    const label = document.createElement("span");
    label.className = "cancelled-label";
    label.textContent = order.cancelReason ? `Cancelled · do not pack · ${order.cancelReason}` : "Cancelled · do not pack";
    li.append(label);
  }
  return li;
}

function setSurplus(surplus) {
  if (surplus.quantity > 0) {
    board.surplus.set(surplus.id, surplus);
  } else {
    board.surplus.delete(surplus.id); // none left: given to orders, or discarded
  }
}

// Existing entries are kept (not rebuilt), so that a discard form a cook has open survives live updates.
function renderSurplus(changedId) {
  const entries = [...board.surplus.values()].sort(
    (a, b) => (Date.parse(a.since) || Infinity) - (Date.parse(b.since) || Infinity) || a.id - b.id);
  const existing = new Map([...surplusList.children].map((li) => [Number(li.dataset.surplusId), li]));
  surplusList.replaceChildren(...entries.map((surplus) => {
    const li = existing.get(surplus.id);
    const entry = li || surplusTemplate.content.firstElementChild.cloneNode(true);
    const changed = li && Number(li.dataset.quantity) !== surplus.quantity;
    fillSurplus(entry, surplus);
    if (surplus.id === changedId && changed) {
      flash(entry);
    }
    return entry;
  }));
  const total = entries.reduce((sum, surplus) => sum + surplus.quantity, 0);
  $("#surplus-total").textContent = total > 0 ? `· ${total}` : "";
  renderAges();
}

function fillSurplus(li, surplus) {
  li.dataset.surplusId = surplus.id;
  li.dataset.quantity = surplus.quantity;
  li.dataset.since = surplus.since || "";
  li.querySelector(".surplus-quantity").textContent = surplus.quantity;
  li.querySelector(".item-name").textContent = surplus.itemName;
  fillModifiers(li.querySelector(".modifiers"), surplus.modifiers);
  li.querySelector(".discard-of").textContent = `of ${surplus.quantity}`;
  const input = li.querySelector(".discard-quantity");
  input.max = surplus.quantity;
  // An open form keeps the quantity the cook chose, unless the surplus shrank below it meanwhile.
  if (li.querySelector(".discard-form").hidden || Number(input.value) > surplus.quantity) {
    input.value = surplus.quantity;
  }
}

// Discarding is two steps (open the form, confirm), so that a stray tap on a busy screen throws nothing away.
function onSurplusClick(event) {
  const button = event.target.closest("button");
  const li = event.target.closest(".surplus-item");
  if (!button || !li) {
    return;
  }
  if (button.classList.contains("discard-open")) {
    showDiscardForm(li, true);
  } else if (button.classList.contains("discard-cancel")) {
    showDiscardForm(li, false);
  } else if (button.dataset.step) {
    const surplus = board.surplus.get(Number(li.dataset.surplusId));
    const input = li.querySelector(".discard-quantity");
    input.value = clamp(Number(input.value || 0) + Number(button.dataset.step), 1, surplus ? surplus.quantity : 1);
  }
}

// The form opens with everything surplus and the default reason each time: a discard is a fresh decision.
function showDiscardForm(li, open) {
  const form = li.querySelector(".discard-form");
  form.reset();
  form.hidden = !open;
  li.querySelector(".discard-open").hidden = open;
  li.dataset.discarding = String(open);
  li.querySelector(".discard-quantity").value = li.dataset.quantity;
}

function onDiscard(event) {
  event.preventDefault();
  const form = event.target;
  const li = form.closest(".surplus-item");
  const quantity = Number(form.querySelector(".discard-quantity").value);
  const reason = form.querySelector(".discard-reason").value;
  const surplus = board.surplus.get(Number(li.dataset.surplusId));
  showDiscardForm(li, false);
  queueTap(`/api/surplus/${li.dataset.surplusId}/discard`, { quantity, reason }, `Discard ${quantity} × ${surplus ? describe(surplus) : "surplus"} (${reason})`);
}

// --- Taps: each one is kept (with its key) until the kitchen answers it, and sent in the order it was made. ---

function queueTap(path, body, label) {
  taps.pending.push({ key: newKey(), path, body, label, madeAt: Date.now(), device: deviceOf(localStorage.getItem(tokenKey)) });
  saveTaps();
  renderTaps();
  sendTaps();
}

async function sendTaps() {
  if (taps.sending || taps.pending.length === 0 || !localStorage.getItem(tokenKey)) {
    renderTaps();
    return;
  }
  taps.sending = true;
  clearTimeout(taps.retryTimer);
  try {
    while (taps.pending.length > 0) {
      const tap = taps.pending[0];
      const token = localStorage.getItem(tokenKey);
      if (tap.device !== deviceOf(token)) {
        // Made under another pairing: its key is that device's, and sent under this one it could be done twice.
        notSent("made under another pairing of this screen");
        return;
      }
      let response;
      try {
        response = await fetch(tap.path, {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": tap.key, Authorization: `Bearer ${token}` },
          body: JSON.stringify(tap.body),
          signal: AbortSignal.timeout(15000), // a half-open connection must not hold the queue
        });
      } catch {
        waitForKitchen("the kitchen cannot be reached");
        return;
      }
      if (response.status === 429 || response.status >= 500) {
        // Not taken (busy, restarting, its database down): the same tap, with the same key, goes again later.
        waitForKitchen(`the kitchen answered ${response.status}`, Number(response.headers.get("Retry-After")) * 1000);
        return;
      }
      taps.pending.shift();
      saveTaps();
      if (response.ok) {
        applyTap(tap, await response.json());
      } else {
        const reason = await problemDetail(response);
        taps.refused.push({ ...tap, reason });
        saveTaps();
        showError(`${tap.label}: ${reason}`);
        if (response.status === 401) {
          forgetPairing();
          return;
        }
      }
      taps.retryDelay = 1000;
      taps.waitingWhy = "";
      renderTaps();
    }
  } finally {
    taps.sending = false;
    renderTaps();
  }
}

function waitForKitchen(why, retryAfter) {
  taps.waitingWhy = why;
  const delay = Math.max(retryAfter || 0, taps.retryDelay * (0.5 + Math.random() / 2));
  taps.retryDelay = Math.min(taps.retryDelay * 2, 30000);
  clearTimeout(taps.retryTimer);
  taps.retryTimer = setTimeout(() => sendTaps(), delay);
  renderTaps();
}

// What the kitchen answered a tap with is the new state of what it changed.
function applyTap(tap, result) {
  if (tap.path.endsWith("/discard")) {
    setSurplus(result);
    renderSurplus();
    return;
  }
  const item = tap.path.endsWith("/complete") ? result.batchItem : result;
  if (item.openQuantity > 0) {
    board.items.set(item.id, item);
  } else {
    board.items.delete(item.id);
  }
  renderCards();
}

function renderTaps() {
  const panel = $("#taps");
  const pending = $("#taps-pending");
  const refused = $("#taps-refused");
  panel.hidden = taps.pending.length === 0 && taps.refused.length === 0;
  $("#taps-count").textContent = taps.pending.length > 0 ? `· ${taps.pending.length}` : "";
  $("#taps-why").textContent = taps.pending.length > 0 && taps.waitingWhy ? `Waiting: ${taps.waitingWhy}. They are sent by themselves, in order, once it answers.` : "";
  pending.replaceChildren(...taps.pending.map((tap) => {
    const li = document.createElement("li");
    li.className = "tap";
    li.dataset.key = tap.key;
    li.textContent = tap.label;
    return li;
  }));
  refused.replaceChildren(...taps.refused.map((tap, index) => {
    const li = document.createElement("li");
    li.className = "tap refused";
    li.dataset.key = tap.key;
    const text = document.createElement("span");
    text.textContent = `${tap.label} — not done: ${tap.reason}`;
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "dismiss";
    dismiss.dataset.index = String(index);
    dismiss.textContent = "OK";
    li.append(text, dismiss);
    return li;
  }));
}

function onDismissRefused(event) {
  const button = event.target.closest("button.dismiss");
  if (button) {
    taps.refused.splice(Number(button.dataset.index), 1);
    saveTaps();
    renderTaps();
  }
}

// The waiting taps cannot be sent (a new pairing is another device, with keys of its own): listed as not sent.
function notSent(why) {
  taps.refused.push(...taps.pending.map((t) => ({ ...t, reason: `not sent: ${why}` })));
  taps.pending = [];
  saveTaps();
  renderTaps();
}

// The kitchen no longer accepts this screen's token: back to pairing, and what waited is not sent under a new one.
function forgetPairing() {
  localStorage.removeItem(tokenKey);
  notSent("this screen is no longer paired");
  showPairing("This screen's pairing is no longer valid (revoked or expired). Ask a manager for a new pairing code.");
}

// Which device a token is for (the d of its payload), to tell the pairing a tap was made under.
function deviceOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload.padEnd(payload.length + ((4 - (payload.length % 4)) % 4), "="))).D || null;
  } catch {
    return null;
  }
}

function loadTaps(key) {
  try {
    return JSON.parse(localStorage.getItem(key) || "[]");
  } catch {
    return [];
  }
}

function saveTaps() {
  localStorage.setItem(tapsKey, JSON.stringify(taps.pending));
  localStorage.setItem(refusedKey, JSON.stringify(taps.refused));
}

// A version 4 UUID from the browser's random numbers (crypto.randomUUID needs HTTPS; kitchens often run plain HTTP).
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function describe(item) {
  return item.modifiers && item.modifiers.length > 0 ? `${item.itemName} (${item.modifiers.join(", ")})` : item.itemName;
}

function setConnection(state, label) {
  const element = $("#connection");
  element.dataset.state = state;
  element.querySelector(".label").textContent = label;
}

let toastTimer = null;
function showError(message) {
  const toast = $("#toast");
  toast.textContent = message;
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (toast.hidden = true), 6000);
}

// JSON in and out; a ProblemDetails answer becomes an Error carrying its detail.
// A 401 means this screen's token is no longer accepted (revoked, expired): back to pairing.
async function api(method, path, body, options = {}) {
  const headers = body ? { "Content-Type": "application/json" } : {};
  const token = options.token || localStorage.getItem(tokenKey);
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (options.idempotencyKey) {
    headers["Idempotency-Key"] = options.idempotencyKey;
  }
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : undefined });
  if (response.status === 401 && token && !options.token && !path.startsWith("/api/devices/pair")) {
    forgetPairing();
  }
  if (!response.ok) {
    throw new Error(await problemDetail(response));
  }
  return response.status === 204 ? null : response.json();
}

async function problemDetail(response) {
  let detail = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    detail = problem.detail || problem.title || detail;
    if (problem.errors) {
      detail = Object.values(problem.errors).flat().join(" ");
    }
  } catch {
    // not JSON
  }
  return detail;
}

function duration(ms) {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 60) {
    return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
  }
  return minutes > 0 ? `${minutes}m ${seconds % 60}s` : `${seconds}s`;
}

function clamp(value, min, max) {
  return Math.max(min, Math.min(max, value));
}
