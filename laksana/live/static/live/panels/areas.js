/* The region's outline and its kecamatan on the wall's map. */
LiveWall.panel("areas", {
  render(data) {
    const map = LiveWall.getMap();
    const outline = data.outline && L.geoJSON(data.outline, {style: {color: "#94a3b8", weight: 3, fill: false}}).addTo(map);
    const kecamatan = L.geoJSON(data.kecamatan, {
      style: {color: "#64748b", weight: 1.5, fillOpacity: 0.04, dashArray: "4 4"},
      // A text node: Leaflet would read a string as HTML.
      onEachFeature: (f, layer) => layer.bindTooltip(document.createTextNode(f.properties.name),
        {permanent: true, direction: "center", className: "kec-label"}),
    }).addTo(map);
    const bounds = (outline || kecamatan).getBounds();
    if (bounds.isValid()) LiveWall.fit(bounds);
    else if (data.center[0]) map.setView(data.center, 12);
  },
});
