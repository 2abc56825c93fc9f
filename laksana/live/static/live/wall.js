/* The wall's core: loads the panels' data, follows the live stream (or a replay) and hands each
   event to every panel. Panels register with LiveWall.panel(name, {render, onEvent, tick}). */
(() => {
  const panels = {};
  let map = null, refreshTimer = null, replayClock = null;

  const LiveWall = window.LiveWall = {
    config: null, labels: null, replaying: false,
    panel(name, spec) { panels[name] = spec; },
    getMap() {
      if (!map) {
        map = L.map("wall-map", {zoomControl: false, attributionControl: !!LiveWall.config.tiles, zoomSnap: 0.25});
        if (LiveWall.config.tiles) {
          L.tileLayer(LiveWall.config.tiles, {maxZoom: 18, attribution: "© OpenStreetMap", className: "tiles"}).addTo(map);
        }
      }
      return map;
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
  function render(data) {
    for (const [name, value] of Object.entries(data.panels)) {
      try { panels[name] && panels[name].render(value); } catch (err) { console.error(name, err); }
    }
  }
  const refreshed = kind => Object.keys(LiveWall.config.refresh).filter(n => LiveWall.config.refresh[n] === kind);
  function refresh(kind) { load(refreshed(kind)).then(render).catch(err => console.error(err)); }
  function soon() {  // figures follow the events, at most every few seconds
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; refresh("events"); }, 2500);
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
      render(data);
      follow(data.cursor);
    } catch (err) {
      mode(LiveWall.labels.reconnecting, false);
      setTimeout(start, 5000);
    }
  }

  async function replay(day) {
    LiveWall.replaying = true;
    render(await load(["areas", "board"], day));
    render({panels: {incoming: {items: []}, map: {clusters: [], open: 0}}});
    each("startReplay");
    const params = new URLSearchParams({day, speed: LiveWall.config.speed});
    const source = new EventSource(`${LiveWall.config.replay}?${params}`);
    source.onmessage = message => {
      const item = JSON.parse(message.data);
      replayClock = item.ts;
      document.getElementById("wall-clock").textContent = item.at.slice(11, 19);
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
    setInterval(() => refresh("events"), 60000);
    setInterval(() => refresh("slow"), 120000);
    setInterval(() => {
      document.getElementById("wall-clock").textContent = new Date().toLocaleTimeString("en-GB", {hour12: false, timeZone: LiveWall.config.timezone});
      each("tick");
    }, 1000);
  });
})();
