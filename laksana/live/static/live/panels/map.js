/* Open complaints counted per grid cell, and the ones that arrive while watching. Markers are
   elements made here (never HTML strings): Leaflet puts a string icon in as HTML. */
(() => {
  let clusters = null;
  const dots = new Map();  // number -> marker of complaints that arrived while watching
  const el = LiveWall.el;

  function dot(card, fresh) {
    const span = el("span", {className: "dot big"});
    span.classList.add(`s-${card.status}`);
    if (card.deadline_ts && card.deadline_ts < LiveWall.now()) span.classList.add("overdue");
    if (fresh) span.classList.add("pulse");
    return L.divIcon({className: "", iconSize: [22, 22], html: span});
  }
  function cluster(c) {
    const main = Object.entries(c.states).sort((a, b) => b[1] - a[1])[0][0];
    const size = Math.round(26 + 10 * Math.log2(c.n));
    const span = el("span", {className: "cluster", dataset: {n: c.n}}, String(c.n));
    span.classList.add(`s-${main}`);
    if (c.overdue) span.classList.add("overdue");
    span.style.width = span.style.height = `${size}px`;
    return L.divIcon({className: "", iconSize: [size, size], html: span});
  }

  LiveWall.panel("map", {
    render(data) {
      const map = LiveWall.getMap();
      if (clusters) clusters.remove();
      clusters = L.layerGroup().addTo(map);
      for (const c of data.clusters) {
        L.marker([c.lat, c.lng], {icon: cluster(c), keyboard: false, interactive: false}).addTo(clusters);
      }
      // The clusters now count what arrived live: keep only the complaints still pulsing.
      for (const [number, marker] of dots) if (!marker.fresh) { marker.remove(); dots.delete(number); }
    },
    onEvent(item) {
      const card = item.complaint;
      if (card.lat == null) return;
      const known = dots.get(card.number);
      if (!LiveWall.OPEN.includes(card.status)) { if (known) { known.remove(); dots.delete(card.number); } return; }
      if (known) { known.setIcon(dot(card, known.fresh)); return; }
      if (item.type !== "submitted") return;
      const marker = L.marker([card.lat, card.lng], {icon: dot(card, true), keyboard: false, interactive: false})
        .addTo(LiveWall.getMap());
      marker.fresh = true;
      dots.set(card.number, marker);
      setTimeout(() => { marker.fresh = false; marker.setIcon(dot(card, false)); }, 60000);
    },
  });
})();
