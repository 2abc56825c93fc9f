// Console behaviour on top of plain forms: maps (Leaflet), ready-made texts, and re-initialising
// both after htmx swaps a complaint in place. Everything works without this file.
(function () {
  "use strict";

  // A tooltip from text: Leaflet puts a string tooltip in as HTML, an element it keeps as is.
  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  // The region's kecamatan and kelurahan outlines (the portal's GeoJSON), so the map says where
  // the point is even without tiles.
  function drawBoundaries(map, urls) {
    urls.forEach(function (url, index) {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (geojson) {
          if (!geojson) return;
          var kecamatan = index === 0;
          window.L.geoJSON(geojson, {
            style: {
              color: "#0b5cad",
              weight: kecamatan ? 2.5 : 1,
              dashArray: kecamatan ? null : "4 3",
              fillColor: "#0b5cad",
              fillOpacity: kecamatan ? 0.04 : 0.02
            },
            onEachFeature: function (feature, shape) {
              shape.bindTooltip(label(feature.properties.name), { sticky: true });
            }
          }).addTo(map).bringToBack();
          map.getContainer().dataset["boundaries" + (kecamatan ? "Kecamatan" : "Kelurahan")] =
            String(geojson.features.length);
        })
        .catch(function () { /* the point is still shown */ });
    });
  }

  function initMaps(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
      // Without tiles a close-up is an empty square: stay far enough out to see the outlines.
      var map = window.L.map(el, { scrollWheelZoom: false }).setView(point, el.dataset.tiles ? 16 : 14);
      if (el.dataset.tiles) {
        window.L.tileLayer(el.dataset.tiles, {
          maxZoom: 19,
          attribution: "&copy; OpenStreetMap",
        }).addTo(map);
      }
      window.L.circleMarker(point, { radius: 9, weight: 3, color: "#b42318" }).addTo(map);
      if (el.dataset.boundaries) drawBoundaries(map, el.dataset.boundaries.split(" "));
    });
  }

  // A ready-made text chosen in a select is copied into its textarea, to be edited there.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fill]") || !select.value) return;
    var target = document.getElementById(select.dataset.fill);
    if (target) target.value = select.value;
  });

  window.addEventListener("load", function () { initMaps(document); });
  document.addEventListener("htmx:afterSettle", function () { initMaps(document); });
})();
