/* Who sits at each desk, field officers per agency, and where those sharing their location are. */
(() => {
  let officers = null;
  const el = LiveWall.el;
  LiveWall.panel("on_duty", {
    render(data) {
      const labels = LiveWall.labels;
      const desks = document.getElementById("duty-desks");
      desks.replaceChildren(...data.desks.map(d => el("li", null,
        el("b", {text: d.desk}), " ", d.people.join(", ") || "–",
        d.absent ? el("span", {className: "absent", text: ` · ${d.absent} ${labels.absent}`}) : null)));
      if (!data.desks.length) desks.textContent = labels.nobody;
      document.getElementById("duty-field").textContent = data.field
        .map(f => `${f.agency} ${f.available} ${labels.available}` + (f.busy ? ` · ${f.busy} ${labels.busy}` : ""))
        .join(" · ");
      if (officers) officers.remove();
      officers = L.layerGroup().addTo(LiveWall.getMap());
      for (const o of data.on_map) {
        const icon = el("span", {className: o.busy ? "officer busy" : "officer", title: o.agency});
        L.marker([o.lat, o.lng], {keyboard: false, interactive: false,
          icon: L.divIcon({className: "", iconSize: [18, 18], html: icon})}).addTo(officers);
      }
    },
  });
})();
