/* Staff maps: the console's complaint, the field pages and the wall. No tile server is reachable
   on a closed government network, so the region's kecamatan and kelurahan outlines (the portal's
   GeoJSON) are the base layer, with tiles over nothing when a region has them. Names are DOM
   text: Leaflet puts a string tooltip in as HTML. */
(function () {
  "use strict";

  var LEVELS = ["kecamatan", "kelurahan"];
  var STYLES = {
    kecamatan: { color: "#0b5cad", weight: 2.5, fillColor: "#0b5cad", fillOpacity: 0.04 },
    kelurahan: { color: "#0b5cad", weight: 1, dashArray: "4 3", fillColor: "#0b5cad", fillOpacity: 0.02 }
  };
  var TOOLTIPS = { kecamatan: { sticky: true }, kelurahan: { sticky: true } };

  function label(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  /* Draws the GeoJSON at urls (kecamatan, then kelurahan) under everything else on the map.
     options: styles and tooltips per level (a null tooltip: none), done(level, layer). The map's
     element says how many were drawn: data-boundaries-kecamatan, data-boundaries-kelurahan. */
  function drawBoundaries(map, urls, options) {
    options = options || {};
    var styles = options.styles || STYLES, tooltips = options.tooltips || TOOLTIPS;
    var loads = urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .catch(function () { return null; });  // the point is still shown
    });
    Promise.all(loads).then(function (collections) {
      // Kelurahan under kecamatan: the finer lines first to the back, then the coarser.
      for (var i = collections.length - 1; i >= 0; i--) {
        var geojson = collections[i], level = LEVELS[i];
        if (!geojson) continue;
        var tooltip = tooltips[level];
        var layer = window.L.geoJSON(geojson, {
          style: styles[level],
          interactive: Boolean(tooltip),
          onEachFeature: function (feature, shape) {
            if (tooltip) shape.bindTooltip(label(feature.properties.name), tooltip);
          }
        }).addTo(map);
        layer.bringToBack();
        map.getContainer().dataset["boundaries" + level[0].toUpperCase() + level.slice(1)] =
          String(geojson.features.length);
        if (options.done) options.done(level, layer);
      }
    });
  }

  // <div data-map data-lat data-lng data-tiles data-boundaries="kecamatan-url kelurahan-url">
  function initMaps(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
      // Without tiles a close-up is an empty square: stay far enough out to see the outlines.
      var map = window.L.map(el, { scrollWheelZoom: false }).setView(point, el.dataset.tiles ? 16 : 14);
      if (el.dataset.tiles) {
        window.L.tileLayer(el.dataset.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
      }
      window.L.circleMarker(point, { radius: 9, weight: 3, color: "#b42318" }).addTo(map);
      if (el.dataset.boundaries) drawBoundaries(map, el.dataset.boundaries.split(" "));
    });
  }

  window.LaksanaMap = { drawBoundaries: drawBoundaries, initMaps: initMaps };
  window.addEventListener("load", function () { initMaps(document); });
  document.addEventListener("htmx:afterSettle", function () { initMaps(document); });
})();
