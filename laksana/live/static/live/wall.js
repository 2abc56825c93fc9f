/* The wall's core: loads the panels' data, follows the live stream (or a replay) and hands each
   event to every panel. Panels (static/live/panels/*.js) register with
   LiveWall.panel(name, {render(data, snapshot), onEvent(item), tick()}).

   No HTML is ever built from data here or in a panel: elements are made with LiveWall.el and
   filled with text nodes, so a name typed by anyone stays text. The page's Content-Security-Policy
   refuses inline script besides. */
(() => {
  const panels = {};
  const OPEN = ["submitted", "verified", "dispatched", "in_progress", "waiting"];
  let map = null, bounds = null, refreshTimer = null, replayClock = null;
  const replayed = new Map();  // while replaying: number -> status after the latest event

  const LiveWall = window.LiveWall = {
    config: null, labels: null, replaying: false, open: null, OPEN,
    panel(name, spec) { panels[name] = spec; },
    /* el("li", {className: "x", text: "...", title: "...", dataset: {n: 1}}, child, "text") */
    el(tag, props, ...children) {
      const node = document.createElement(tag);
      for (const [key, value] of Object.entries(props || {})) {
        if (value == null) continue;
        if (key === "text") node.textContent = value;
        else if (key === "dataset") Object.assign(node.dataset, value);
        else if (key === "className" || key === "title") node[key] = value;
        else node.setAttribute(key, value);
      }
      node.append(...children.filter(c => c != null));  // strings become text nodes
      return node;
    },
    getMap() {
      if (!map) {
        map = L.map("wall-map", {zoomControl: false, attributionControl: !!LiveWall.config.tiles, zoomSnap: 0.25});
        if (LiveWall.config.tiles) {
          L.tileLayer(LiveWall.config.tiles, {maxZoom: 18, attribution: "© OpenStreetMap", className: "tiles"}).addTo(map);
        }
        // The map's box changes when alarms come and go above it: keep the whole region in view.
        new ResizeObserver(() => { map.invalidateSize(); LiveWall.fit(); }).observe(map.getContainer());
      }
      return map;
    },
    /* Show these bounds (the region) whole, clear of the total and the legend drawn on the map. */
    fit(newBounds) {
      if (newBounds) bounds = newBounds;
      if (!map || !bounds || !bounds.isValid()) return;
      const box = map.getContainer().getBoundingClientRect();
      const below = el => { const r = document.querySelector(el).getBoundingClientRect(); return r.bottom - box.top; };
      const above = el => { const r = document.querySelector(el).getBoundingClientRect(); return box.bottom - r.top; };
      map.fitBounds(bounds, {paddingTopLeft: [20, below(".map-total") + 12], paddingBottomRight: [20, above(".legend") + 12], animate: false});
    },
    now() { return replayClock || Date.now() / 1000; },
    duration(seconds) {
      const l = LiveWall.labels;
      if (seconds < 3600) return `${Math.max(0, Math.round(seconds / 60))} ${l.minutes}`;
      if (seconds < 86400 * 2) return `${(seconds / 3600).toFixed(1)} ${l.hours}`;
      return `${Math.round(seconds / 86400)} ${l.days}`;
    },
    age(ts) { return LiveWall.duration(LiveWall.now() - ts); },
  };

  /* The open total, one figure for every place that shows it. */
  function setOpen(value) {
    LiveWall.open = value;
    for (const node of document.querySelectorAll('[data-total="open"]')) {
      node.textContent = value == null ? "–" : value.toLocaleString();
    }
  }

  function each(method, ...args) {
    for (const [name, spec] of Object.entries(panels)) {
      try { spec[method] && spec[method](...args); } catch (err) { console.error(name, method, err); }
    }
  }
  function mode(text, ok) {
    const el = document.getElementById("wall-mode");
    el.textContent = text;
    el.dataset.state = ok ? "live" : "down";
    el.classList.toggle("down", !ok);
  }

  async function load(names, day) {
    const params = new URLSearchParams();
    if (names) params.set("panels", names.join(","));
    if (day) params.set("day", day);
    const response = await fetch(`${LiveWall.config.data}?${params}`, {credentials: "same-origin"});
    if (!response.ok) throw new Error(`wall data: HTTP ${response.status}`);
    return response.json();
  }
  /* One answer is one snapshot: every panel in it and the open total are drawn in one go. */
  let shownCursor = -1;
  function render(data, withTotals) {
    // Two refreshes in flight may answer out of order: the older must not put older figures back.
    if (withTotals && data.cursor < shownCursor) return;
    if (withTotals) { shownCursor = data.cursor; setOpen(data.open); }
    for (const [name, value] of Object.entries(data.panels)) {
      try { panels[name] && panels[name].render(value, data); } catch (err) { console.error(name, err); }
    }
    // The event the figures on the wall are of (the slow panels' answers carry none of them).
    if (withTotals) document.getElementById("wall").dataset.cursor = data.cursor;
  }
  const refreshed = kind => Object.keys(LiveWall.config.refresh).filter(n => kind.includes(LiveWall.config.refresh[n]));
  const FIGURES = ["events", "cursor"];
  function refresh(kind) {
    const figures = kind === FIGURES;
    load(refreshed(kind)).then(data => render(data, figures)).catch(err => console.error(err));
  }
  function soon() {  // figures follow the events, at most every few seconds
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; refresh(FIGURES); }, 2500);
  }

  function follow(cursor) {
    const source = new EventSource(`${LiveWall.config.stream}?after=${cursor}`);
    source.onopen = () => mode(LiveWall.labels.live, true);
    source.onerror = () => mode(LiveWall.labels.reconnecting, false);
    source.onmessage = message => { each("onEvent", JSON.parse(message.data)); soon(); };
    source.addEventListener("reset", () => { source.close(); start(); });  // too far behind: reload
  }
  async function start() {
    try {
      const data = await load();
      render(data, true);
      follow(data.cursor);
    } catch (err) {
      mode(LiveWall.labels.reconnecting, false);
      setTimeout(start, 5000);
    }
  }

  async function replay(day) {
    LiveWall.replaying = true;
    render(await load(["areas", "board"], day), false);
    render({panels: {incoming: {items: []}, map: {clusters: []}}}, false);
    setOpen(0);
    each("startReplay");
    const params = new URLSearchParams({day, speed: LiveWall.config.speed});
    const source = new EventSource(`${LiveWall.config.replay}?${params}`);
    source.onmessage = message => {
      const item = JSON.parse(message.data);
      replayClock = item.ts;
      document.getElementById("wall-clock").textContent = item.at.slice(11, 19);
      // Open, as replayed: complaints of that day's events whose latest status is an open one.
      replayed.set(item.complaint.number, item.complaint.status);
      setOpen([...replayed.values()].filter(s => OPEN.includes(s)).length);
      each("onEvent", item);
    };
    source.addEventListener("end", () => { source.close(); mode(LiveWall.labels.ended, true); });
  }

  document.addEventListener("DOMContentLoaded", () => {
    LiveWall.config = JSON.parse(document.getElementById("wall-config").textContent);
    LiveWall.labels = LiveWall.config.labels;
    const day = LiveWall.config.replay_day;
    if (day) { replay(day); return; }
    start();
    setInterval(() => refresh(FIGURES), 60000);
    setInterval(() => refresh(["slow"]), 120000);
    setInterval(() => {
      document.getElementById("wall-clock").textContent = new Date().toLocaleTimeString("en-GB", {hour12: false, timeZone: LiveWall.config.timezone});
      each("tick");
    }, 1000);
  });
})();
