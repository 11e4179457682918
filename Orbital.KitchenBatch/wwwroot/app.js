// Orbital station board: one station's batch items, live from /api/events, laid out by when they must be cooked.
// - Fire now (#batch-items, the main column): a card per batch item with something to start now (its schedule's
//   fire time within the horizon, or already being cooked), earliest fire time first: the production item, the
//   brands' menu items it is for (.serves), the fire-now count (.now-quantity), Open / Cooking / Waiting, "late" when
//   some of it is past its due time, and start and complete.
// - Coming up (#coming-up): what must be started in the next half hour, one row per batch item and fire time.
// - All day (#all-day): per production item, what is open and due within the hour, largest first.
// - Late orders (#late-orders): orders past their due time with open lines here, from the snapshot and a poll every
//   30 s (events take them off); the stale ones (long past due, not in fire now) dimmed apart.
// The server sends each batch item's schedule (open quantity by due and fire time); the board sorts it into these
// sections with the server's clock (the snapshot's timing.serverTime) and does so again every few seconds, so food
// moves from coming up to fire now as time passes, without any event.
// Beside them: the station's surplus (cooked food no order has), with discard; the orders ready for packing,
// cancelled ones marked; and the taps waiting to be sent.
// Every tap (start, complete, discard) carries an Idempotency-Key and goes through a queue kept in local storage:
// while the kitchen is unreachable, taps wait (visibly) and are sent in order, with their keys, when it is back, so
// a retry never cooks or bins anything twice; a tap the kitchen refuses is shown, not dropped.
// No build step, no framework: the page is served as-is by the kitchen service.
"use strict";

// What the board assumes until the snapshot says otherwise (its timing object).
const defaultTiming = { horizonSeconds: 120, comingUpSeconds: 1800, allDaySeconds: 3600, staleAfterSeconds: 1800 };

const board = {
  station: "",
  items: new Map(),          // batch item id -> view
  ready: new Map(),          // order id -> ready order view (with cancelled: true once the order is cancelled)
  surplus: new Map(),        // batch item id -> surplus view (only those with a quantity)
  lateOrders: new Map(),     // order id -> late order (snapshot and poll; events take orders off)
  lateGone: new Map(),       // order id -> when an event took it off: a poll asked before then does not bring it back
  timing: { ...defaultTiming },
  clockOffset: 0,            // the kitchen's clock minus this screen's, in ms: all timing is on the kitchen's clock
  nextDueAt: Infinity,       // the next due time in the schedules: late orders are asked for again once it passed
  lastEventId: null,         // the last event applied; a reconnect resumes after it
  source: null,
  retryDelay: 1000,
  retryTimer: null,
  quietTimer: null,
  latePollTimer: null,
};

const $ = (selector) => document.querySelector(selector);
const stationSelect = $("#station");
const cardList = $("#batch-items");
const readyList = $("#ready-orders");
const cardTemplate = $("#card-template");
const surplusList = $("#surplus-items");
const surplusTemplate = $("#surplus-template");
const comingList = $("#coming-up-items");
const allDayList = $("#all-day-items");
const lateList = $("#late-orders-current");
const staleList = $("#late-orders-stale");

// The sections are worked out again this often, so that food moves from coming up to fire now by itself.
const replanEvery = 3000;
// The late orders are asked for again this often while the board is shown.
const latePollEvery = 30000;

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
  cardList.addEventListener("input", onCardInput);
  window.addEventListener("online", () => sendTaps());
  renderTaps();
  setInterval(renderAges, 1000);
  setInterval(replan, replanEvery);
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
  stopLatePoll();
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
  stopLatePoll();
  board.items.clear();
  board.surplus.clear();
  board.lateOrders.clear();
  board.nextDueAt = Infinity;
  renderCards();
  renderSurplus();
  renderLateOrders();
  $("#pick").hidden = Boolean(station);
  if (!station) {
    setConnection("offline", "Offline");
    return;
  }
  await loadStation();
}

// The station's batch items, ready orders, surplus and late orders, read in one snapshot with the event id they were
// read at, then the stream from exactly there. The snapshot's timing also sets the board's clock to the kitchen's.
async function loadStation() {
  try {
    setConnection("connecting", "Connecting…");
    closeStream();
    const station = board.station;
    const askedAt = Date.now();
    const snapshot = await api("GET", `/api/stations/${encodeURIComponent(station)}/board`);
    if (station !== board.station) {
      return; // another station was picked meanwhile: its own snapshot paints the board
    }
    setTiming(snapshot.timing, (askedAt + Date.now()) / 2);
    board.items = new Map(snapshot.items.map((item) => [item.id, item]));
    board.ready = new Map(snapshot.readyOrders.map((order) => [order.orderId, order]));
    board.surplus = new Map((snapshot.surplus || []).filter((s) => s.quantity > 0).map((s) => [s.id, s]));
    setLateOrders(snapshot.lateOrders || [], askedAt);
    board.lastEventId = snapshot.lastEventId;
    renderCards();
    renderReady();
    renderSurplus();
    renderLateOrders();
    openStream();
    startLatePoll();
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
    removeLateOrder(order.orderId);
  }));
  source.addEventListener("surplus.updated", (e) => apply(e, ({ surplus }) => {
    if (surplus.station !== board.station) {
      return;
    }
    setSurplus(surplus);
    renderSurplus(surplus.id);
  }));
  source.addEventListener("order.received", (e) => apply(e, (order) => {
    knowStations(order.stations || []);
    // An order that arrives already past its due time is late at once, not at the next poll.
    if ((order.stations || []).includes(board.station) && Date.parse(order.dueAt) < serverNow()) {
      refreshLateOrders();
    }
  }));
  source.addEventListener("order.updated", (e) => apply(e, onOrderUpdated));
  source.addEventListener("order.cancelled", (e) => apply(e, onOrderCancelled));
  source.addEventListener("order.closed", (e) => apply(e, onOrderClosed));
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
  removeLateOrder(order.orderId);
  const shown = board.ready.get(order.orderId);
  if (!shown) {
    return;
  }
  board.ready.set(order.orderId, { ...shown, cancelled: true, cancelReason: order.reason, cancelledSeenAt: Date.now() });
  renderReady();
}

// An order the platform finished (picked up, delivered) or a manager or the expiry closed: nothing is left to cook or
// pack for it. What it had open leaves the batches with batch.updated events of its own.
function onOrderClosed(order) {
  removeLateOrder(order.orderId);
  if (board.ready.delete(order.orderId)) {
    renderReady();
  }
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

// A quantity the cook typed is his: the board working its sections out again must not put its own back.
function onCardInput(event) {
  const card = event.target.closest(".card");
  if (card && event.target.classList.contains("quantity")) {
    card.dataset.touched = "true";
  }
}

// --- Timing: the server's schedule sorted into fire now, coming up and all day, on the kitchen's clock. ---

function serverNow() {
  return Date.now() + board.clockOffset;
}

// The snapshot's timing: the windows, and the kitchen's clock (read halfway through the request that brought it).
function setTiming(timing, readAt) {
  const given = timing || {};
  board.timing = { ...defaultTiming };
  for (const name of Object.keys(defaultTiming)) {
    const value = Number(given[name]);
    if (given[name] !== undefined && given[name] !== null && Number.isFinite(value) && value >= 0) {
      board.timing[name] = value;
    }
  }
  const serverTime = Date.parse(given.serverTime);
  if (!Number.isNaN(serverTime)) {
    board.clockOffset = serverTime - readAt;
  }
  const comingUp = minutesText(board.timing.comingUpSeconds * 1000);
  const allDay = minutesText(board.timing.allDaySeconds * 1000);
  $("#coming-up-window").textContent = `next ${comingUp}`;
  $("#coming-up-empty").textContent = `Nothing to start in the next ${comingUp}.`;
  $("#all-day-window").textContent = `open + due in ${allDay}`;
  $("#all-day-empty").textContent = `Nothing open or due in the next ${allDay}.`;
}

// Where a batch item's open demand stands at `now`: how much to fire now (and since when), what comes up when, how
// much counts all day, how much is late (due and not cooked) or stale (so long past due it is out of fire now).
function planOf(item, now) {
  const timing = board.timing;
  const horizon = now + timing.horizonSeconds * 1000;
  const comingUpUntil = now + timing.comingUpSeconds * 1000;
  const allDayUntil = now + timing.allDaySeconds * 1000;
  const staleAfter = timing.staleAfterSeconds * 1000;
  const placedAt = Date.parse(item.oldestOpenPlacedAt);
  const plan = { fireNow: 0, firstFireAt: Infinity, coming: new Map(), allDay: 0, late: 0, lateSince: Infinity, stale: 0, nextDueAt: Infinity };
  const schedule = Array.isArray(item.schedule) ? item.schedule : [];
  let scheduled = 0;
  for (const entry of schedule) {
    const quantity = Number(entry.quantity) || 0;
    if (quantity <= 0) {
      continue;
    }
    scheduled += quantity;
    const dueAt = Date.parse(entry.dueAt);
    const due = !Number.isNaN(dueAt);
    let fireAt = Date.parse(entry.fireAt);
    if (Number.isNaN(fireAt)) {
      fireAt = due && Number.isFinite(item.prepSeconds) ? dueAt - item.prepSeconds * 1000 : Number.isNaN(placedAt) ? now : placedAt;
    }
    if (due && dueAt + staleAfter <= now) {
      plan.stale += quantity;
      continue;
    }
    if (!due || dueAt <= allDayUntil) {
      plan.allDay += quantity;
    }
    if (due && dueAt < now) {
      plan.late += quantity;
      plan.lateSince = Math.min(plan.lateSince, dueAt);
    } else if (due) {
      plan.nextDueAt = Math.min(plan.nextDueAt, dueAt);
    }
    if (fireAt <= horizon) {
      plan.fireNow += quantity;
      plan.firstFireAt = Math.min(plan.firstFireAt, fireAt);
    } else if (fireAt <= comingUpUntil) {
      const coming = plan.coming.get(fireAt) || { fireAt, dueAt: due ? dueAt : NaN, quantity: 0 };
      coming.quantity += quantity;
      plan.coming.set(fireAt, coming);
    }
  }
  // Open demand the schedule does not place (a kitchen that sends none): it is cooked now rather than hidden.
  const unscheduled = item.openQuantity - scheduled;
  if (unscheduled > 0) {
    plan.fireNow += unscheduled;
    plan.allDay += unscheduled;
    plan.firstFireAt = Math.min(plan.firstFireAt, Number.isNaN(placedAt) ? now : placedAt);
  }
  return plan;
}

// Works every section out again on the kitchen's clock, and asks for the late orders once a due time passed.
function replan() {
  if (!board.station) {
    return;
  }
  if (serverNow() >= board.nextDueAt) {
    board.nextDueAt = Infinity;
    setTimeout(refreshLateOrders, 1000); // a moment later, so that the kitchen's own clock has passed it too
  }
  renderCards();
  renderLateOrders();
}

// Fire now: the batch items with something to start now, or on the grill (what is cooking must stay completable,
// even once it is stale), earliest fire time first. The coming up and all day panels are painted from the same plans.
function renderCards(changedId, isNew) {
  const now = serverNow();
  const items = [...board.items.values()];
  const plans = new Map(items.map((item) => [item.id, planOf(item, now)]));
  const shown = items
    .filter((item) => plans.get(item.id).fireNow > 0 || item.inProgressQuantity > 0)
    .sort((a, b) => fireOrder(a, plans.get(a.id)) - fireOrder(b, plans.get(b.id))
      || (Date.parse(a.oldestOpenPlacedAt) || Infinity) - (Date.parse(b.oldestOpenPlacedAt) || Infinity) || a.id - b.id);
  const existing = new Map([...cardList.children].map((li) => [Number(li.dataset.batchItemId), li]));
  const cards = shown.map((item) => {
    const old = existing.get(item.id);
    const card = old || cardTemplate.content.firstElementChild.cloneNode(true);
    fillCard(card, item, plans.get(item.id), now);
    if (item.id === changedId && !isNew && old) {
      flash(card);
    }
    return card;
  });
  syncChildren(cardList, cards);
  $("#empty").hidden = !board.station || cards.length > 0;
  const fireNow = shown.reduce((sum, item) => sum + plans.get(item.id).fireNow, 0);
  $("#open-total").textContent = board.station ? `· ${fireNow}` : "";
  const open = items.reduce((sum, item) => sum + item.openQuantity, 0);
  const option = [...stationSelect.options].find((o) => o.value === board.station && o.value);
  const label = open > 0 ? `${board.station} (${open})` : board.station;
  if (option && option.textContent !== label) {
    option.textContent = label;
  }
  // A due time that passed and was not acted on yet stays, for replan to see.
  if (!(board.nextDueAt <= now)) {
    board.nextDueAt = Math.min(Infinity, ...[...plans.values()].map((plan) => plan.nextDueAt));
  }
  renderComingUp(items, plans, now);
  renderAllDay(items, plans);
  renderAges();
}

function fireOrder(item, plan) {
  if (Number.isFinite(plan.firstFireAt)) {
    return plan.firstFireAt;
  }
  // Only cooking (nothing to fire any more): by the earliest fire time it has at all.
  const fireTimes = (item.schedule || []).map((entry) => Date.parse(entry.fireAt)).filter((t) => !Number.isNaN(t));
  return fireTimes.length > 0 ? Math.min(...fireTimes) : Infinity;
}

function fillCard(card, item, plan, now) {
  card.dataset.batchItemId = item.id;
  card.querySelector(".item-name").textContent = item.itemName;
  fillServes(card.querySelector(".serves"), item.serves);
  fillModifiers(card.querySelector(".modifiers"), item.modifiers);
  setText(card.querySelector(".now-quantity"), plan.fireNow);
  setText(card.querySelector(".open-quantity"), item.openQuantity);
  setText(card.querySelector(".in-progress-quantity"), item.inProgressQuantity);
  setText(card.querySelector(".waiting-quantity"), item.waitingQuantity);
  card.dataset.placedAt = item.oldestOpenPlacedAt || "";
  card.dataset.fireNow = plan.fireNow;
  const late = plan.late > 0;
  card.classList.toggle("late", late);
  const lateBy = card.querySelector(".late-by");
  lateBy.hidden = !late;
  setText(lateBy, late ? `Late ${minutesText(now - plan.lateSince)}` : "");
  lateBy.title = late ? `${plan.late} due since ${clockTime(plan.lateSince)}` : "";
  const input = card.querySelector(".quantity");
  input.max = item.openQuantity;
  // What to fire, less what is already on the grill; a number the cook chose (typed, stepped) stays.
  const wanted = clamp(plan.fireNow - item.inProgressQuantity, 1, Math.max(1, item.openQuantity));
  const typing = document.activeElement === input;
  if ((!card.dataset.touched && !typing) || Number(input.value) > item.openQuantity) {
    if (input.value !== String(wanted)) {
      input.value = wanted;
    }
  }
  updateButtons(card, item);
}

// Whose menu items this production item is for: "Smash Co · Double Smash ×2".
function fillServes(list, serves) {
  const entries = Array.isArray(serves) ? serves.filter((s) => s && s.quantity > 0) : [];
  const signature = JSON.stringify(entries.map((s) => [s.brand, s.item, s.quantity]));
  if (list.dataset.signature === signature) {
    return;
  }
  list.dataset.signature = signature;
  list.replaceChildren(...entries.map((s) => {
    const li = document.createElement("li");
    li.dataset.brand = s.brand || "";
    li.append(span("serves-brand", s.brand || ""), " · ", span("serves-item", s.item || ""), " ", span("serves-quantity", `×${s.quantity}`));
    return li;
  }));
}

function fillModifiers(list, modifiers) {
  list.replaceChildren(...(modifiers || []).map((m) => {
    const li = document.createElement("li");
    li.textContent = m;
    return li;
  }));
}

// Coming up: what must be started within the coming-up window, one row per batch item and fire time, earliest first.
function renderComingUp(items, plans, now) {
  const rows = [];
  for (const item of items) {
    for (const coming of plans.get(item.id).coming.values()) {
      rows.push({ item, ...coming });
    }
  }
  rows.sort((a, b) => a.fireAt - b.fireAt || a.item.itemName.localeCompare(b.item.itemName) || a.item.id - b.item.id);
  const total = rows.reduce((sum, row) => sum + row.quantity, 0);
  $("#coming-up-total").textContent = total > 0 ? `· ${total}` : "";
  $("#coming-up-empty").hidden = !board.station || rows.length > 0;
  const view = rows.map((row) => ({
    id: row.item.id,
    fireAt: row.fireAt,
    time: clockTime(row.fireAt),
    quantity: row.quantity,
    name: row.item.itemName,
    modifiers: row.item.modifiers || [],
    due: Number.isNaN(row.dueAt) ? "" : `due ${clockTime(row.dueAt)}`,
    in: `in ${minutesText(Math.max(0, row.fireAt - now), true)}`,
  }));
  paintList(comingList, view, (row) => {
    const li = document.createElement("li");
    li.className = "coming-item";
    li.dataset.batchItemId = row.id;
    li.dataset.fireAt = new Date(row.fireAt).toISOString();
    const line = span("coming-line", "");
    line.append(span("coming-time", row.time), " · ", span("coming-quantity", String(row.quantity)), " ", span("coming-name", row.name));
    if (row.modifiers.length > 0) {
      line.append(" ", span("coming-modifiers", `(${row.modifiers.join(", ")})`));
    }
    li.append(line, " ", span("coming-in", row.in), " ", span("coming-due", row.due));
    return li;
  });
}

// All day: per production item (modifiers together), what is open and due within the all-day window, largest first.
function renderAllDay(items, plans) {
  const totals = new Map();
  for (const item of items) {
    const quantity = plans.get(item.id).allDay;
    if (quantity > 0) {
      totals.set(item.itemName, (totals.get(item.itemName) || 0) + quantity);
    }
  }
  const rows = [...totals].map(([name, quantity]) => ({ name, quantity }))
    .sort((a, b) => b.quantity - a.quantity || a.name.localeCompare(b.name));
  $("#all-day-empty").hidden = !board.station || rows.length > 0;
  paintList(allDayList, rows, (row) => {
    const li = document.createElement("li");
    li.className = "all-day-item";
    li.dataset.itemName = row.name;
    li.append(span("all-day-quantity", String(row.quantity)), " ", span("all-day-name", row.name));
    return li;
  });
}

// --- Late orders: past their due time with open lines at this station; the snapshot and a poll say which. ---

function setLateOrders(orders, askedAt) {
  const now = Date.now();
  for (const [orderId, goneAt] of board.lateGone) {
    if (now - goneAt > 5 * latePollEvery) {
      board.lateGone.delete(orderId);
    }
  }
  // An order an event took off after this list was asked for is done: the list is older than the event.
  board.lateOrders = new Map(orders
    .filter((order) => !(board.lateGone.get(order.orderId) >= askedAt))
    .map((order) => [order.orderId, order]));
}

function removeLateOrder(orderId) {
  board.lateGone.set(orderId, Date.now());
  if (board.lateOrders.delete(orderId)) {
    renderLateOrders();
  }
}

function startLatePoll() {
  stopLatePoll();
  board.latePollTimer = setInterval(refreshLateOrders, latePollEvery);
}

function stopLatePoll() {
  clearInterval(board.latePollTimer);
  board.latePollTimer = null;
}

async function refreshLateOrders() {
  const station = board.station;
  if (!station || $("#board").hidden || !localStorage.getItem(tokenKey)) {
    return;
  }
  const askedAt = Date.now();
  try {
    const orders = await api("GET", `/api/stations/${encodeURIComponent(station)}/late-orders`);
    if (station !== board.station || !Array.isArray(orders)) {
      return;
    }
    setLateOrders(orders, askedAt);
    renderLateOrders();
  } catch {
    // Unreachable for now: the connection indicator says so, and the next poll asks again.
  }
}

function renderLateOrders() {
  const now = serverNow();
  const staleAfter = board.timing.staleAfterSeconds * 1000;
  const orders = [...board.lateOrders.values()].map((order) => {
    const dueAt = Date.parse(order.dueAt);
    const known = !Number.isNaN(dueAt);
    return {
      orderId: String(order.orderId),
      brand: order.brand || "",
      dueAt: known ? new Date(dueAt).toISOString() : "",
      sortAt: known ? dueAt : Infinity,
      stale: order.stale === true || (known && dueAt + staleAfter <= now),
      due: known ? `due ${clockTime(dueAt)} · ${minutesText(Math.max(0, now - dueAt))} late` : "late",
      open: Number(order.openQuantity) > 0 ? `${order.openQuantity} open` : "",
      placed: Number.isNaN(Date.parse(order.placedAt)) ? "" : `placed ${clockTime(Date.parse(order.placedAt))}`,
    };
  }).sort((a, b) => a.sortAt - b.sortAt || a.orderId.localeCompare(b.orderId));
  const current = orders.filter((order) => !order.stale);
  const stale = orders.filter((order) => order.stale);
  const build = (order) => {
    const li = document.createElement("li");
    li.className = order.stale ? "late-order stale" : "late-order";
    li.dataset.orderId = order.orderId;
    li.dataset.dueAt = order.dueAt;
    li.title = order.placed;
    li.append(span("order-id", order.orderId), " ", span("brand-name", order.brand), " ", span("late-open", order.open), " ", span("late-due", order.due));
    return li;
  };
  paintList(lateList, current, build);
  paintList(staleList, stale, build);
  const panel = $("#late-orders");
  panel.dataset.count = String(current.length);
  $("#late-count").textContent = current.length > 0 ? `· ${current.length}` : "";
  $("#late-orders-empty").hidden = !board.station || current.length > 0;
  $("#late-orders-stale-group").hidden = stale.length === 0;
  $("#stale-count").textContent = stale.length > 0 ? `· ${stale.length}` : "";
}

// Rebuilds a list only when what it shows changed (the sections are worked out again every few seconds).
function paintList(list, rows, build) {
  const signature = JSON.stringify(rows);
  if (list.dataset.signature === signature) {
    return;
  }
  list.dataset.signature = signature;
  list.replaceChildren(...rows.map(build));
}

// Puts the nodes in the list in this order, moving only what moved, so that a card being used keeps its focus.
function syncChildren(list, nodes) {
  nodes.forEach((node, index) => {
    if (list.children[index] !== node) {
      list.insertBefore(node, list.children[index] || null);
    }
  });
  while (list.children.length > nodes.length) {
    list.lastElementChild.remove();
  }
}

function span(className, text) {
  const element = document.createElement("span");
  element.className = className;
  element.textContent = text;
  return element;
}

function setText(element, text) {
  const value = String(text);
  if (element.textContent !== value) {
    element.textContent = value;
  }
}

// A local wall-clock time, 24-hour: "12:32".
function clockTime(ms) {
  const date = new Date(ms);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

// "23 min", "1 h 5 min", "<1 min": whole minutes gone by, or (nearest) to go until something.
function minutesText(ms, nearest) {
  const minutes = nearest ? Math.round(ms / 60000) : Math.floor(ms / 60000);
  if (minutes < 1) {
    return "<1 min";
  }
  return minutes >= 60 ? `${Math.floor(minutes / 60)} h${minutes % 60 > 0 ? ` ${minutes % 60} min` : ""}` : `${minutes} min`;
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
  const now = serverNow();
  for (const card of cardList.children) {
    const placed = Date.parse(card.dataset.placedAt);
    const age = Number.isNaN(placed) ? 0 : Math.max(0, now - placed);
    setText(card.querySelector(".age"), Number.isNaN(placed) ? "" : duration(age));
    card.dataset.age = age > 20 * 60000 ? "late" : age > 10 * 60000 ? "warn" : "ok";
  }
  for (const li of readyList.children) {
    li.querySelector(".ready-age").textContent = duration(Math.max(0, now - Date.parse(li.dataset.readyAt)));
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
  syncChildren(surplusList, entries.map((surplus) => {
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
