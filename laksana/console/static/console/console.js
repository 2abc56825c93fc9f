// Console behaviour on top of plain forms: maps (Leaflet), ready-made texts, and re-initialising
// both after htmx swaps a complaint in place. Everything works without this file.
(function () {
  "use strict";

  function initMaps(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.ready) return;
      el.dataset.ready = "1";
      var point = [parseFloat(el.dataset.lat), parseFloat(el.dataset.lng)];
      var map = window.L.map(el, { scrollWheelZoom: false }).setView(point, 16);
      if (el.dataset.tiles) {
        window.L.tileLayer(el.dataset.tiles, {
          maxZoom: 19,
          attribution: "&copy; OpenStreetMap",
        }).addTo(map);
      }
      window.L.circleMarker(point, { radius: 9, weight: 3 }).addTo(map);
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
