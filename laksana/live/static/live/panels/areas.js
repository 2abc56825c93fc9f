/* The region's outline, its kecamatan (named) and kelurahan on the wall's map: the boundaries
   every staff map draws (laksana/staffmap.js), in the wall's colours. */
LiveWall.panel("areas", {
  render(data) {
    const map = LiveWall.getMap();
    const outline = data.outline && L.geoJSON(data.outline, {style: {color: "#94a3b8", weight: 3, fill: false}, interactive: false}).addTo(map);
    LaksanaMap.drawBoundaries(map, data.boundaries, {
      styles: {
        kecamatan: {color: "#64748b", weight: 1.5, fillOpacity: 0.04, dashArray: "4 4"},
        kelurahan: {color: "#475569", weight: 0.8, fill: false, dashArray: "2 4"},
      },
      tooltips: {kecamatan: {permanent: true, direction: "center", className: "kec-label"}, kelurahan: null},
      done(level, layer) { if (level === "kecamatan" && !outline) LiveWall.fit(layer.getBounds()); },
    });
    const bounds = outline && outline.getBounds();
    if (bounds && bounds.isValid()) LiveWall.fit(bounds);
    else if (data.center[0]) map.setView(data.center, 12);
  },
});
