/* Laksana citizen pages: small enhancements on top of pages that work without JavaScript.
 * Maps (Leaflet from django-leaflet), choosing a point on the report form, filtering the category
 * list, shrinking large photos before a slow upload, a guard against double submits, copying the
 * tracking link. Every text shown comes from the page (data-* attributes), already translated. */
(function () {
  "use strict";

  function $(selector, root) { return (root || document).querySelector(selector); }
  function fill(text, value) { return (text || "").replace("%s", value); }

  // ------------------------------------------------------------------ point in kecamatan
  function inRing(point, ring) {
    var x = point[0], y = point[1], inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
  function inPolygon(point, rings) {
    if (!inRing(point, rings[0])) return false;
    for (var h = 1; h < rings.length; h++) if (inRing(point, rings[h])) return false;
    return true;
  }
  function kecamatanAt(geojson, lat, lng) {
    var point = [lng, lat];
    for (var i = 0; i < geojson.features.length; i++) {
      var f = geojson.features[i], g = f.geometry;
      var polygons = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
      for (var p = 0; p < polygons.length; p++) if (inPolygon(point, polygons[p])) return f.properties;
    }
    return null;
  }

  // ------------------------------------------------------------------ maps
  function popup(point) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = point.url;
    link.textContent = point.label;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(point.number + " · " + point.status));
    return box;
  }

  function initMap() {
    var element = $("#map"), configNode = $("#map-config");
    if (!element || !configNode || !window.L) return;
    var config = JSON.parse(configNode.textContent);
    var map = L.map(element, { scrollWheelZoom: false }).setView(config.center, 12);
    if (config.tiles) {
      var osm = config.tiles.indexOf("openstreetmap.org") !== -1;
      L.tileLayer(config.tiles, {
        maxZoom: 19,
        attribution: osm ? "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>" : ""
      }).addTo(map);
    }
    var points = config.points.map(function (p) {
      return L.circleMarker([p.lat, p.lng], {
        radius: 8, color: "#fff", weight: 2, fillColor: "#b42318", fillOpacity: 0.9
      }).bindPopup(popup(p)).addTo(map);
    });
    var picker = config.picker ? initPicker(map) : null;
    fetch(config.boundaries, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (!geojson) return;
        var layer = L.geoJSON(geojson, {
          style: { color: "#0b5cad", weight: 1.5, fillColor: "#0b5cad", fillOpacity: 0.06 },
          onEachFeature: function (feature, shape) {
            // A text node: Leaflet renders a string tooltip as HTML, and area names are data.
            shape.bindTooltip(document.createTextNode(feature.properties.name));
          },
          interactive: !config.picker
        }).addTo(map);
        layer.bringToBack();
        // Without tiles a close-up is an empty grey square: stay far enough out to see the outlines.
        if (points.length === 1) map.setView(points[0].getLatLng(), config.tiles ? 16 : 14, { animate: false });
        else if (!picker || !picker.hasPoint()) map.fitBounds(layer.getBounds(), { animate: false });
        if (picker) picker.boundaries(geojson);
        drawKelurahan(map, config.kelurahan);
      })
      .catch(function () { /* the map still works without boundaries */ });
  }

  // The kelurahan, thin and under the kecamatan: every map shows both (no tiles on a closed
  // network). Not interactive, so a tap still chooses a point.
  function drawKelurahan(map, url) {
    if (!url) return;
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (geojson) {
        if (!geojson) return;
        L.geoJSON(geojson, {
          style: { color: "#0b5cad", weight: 0.8, dashArray: "3 3", fill: false },
          interactive: false
        }).addTo(map).bringToBack();
        map.getContainer().dataset.boundariesKelurahan = String(geojson.features.length);
      })
      .catch(function () { /* the kecamatan are enough */ });
  }

  // The report form's point: a tap on the map or the phone's GPS fills the hidden lat/lng.
  function initPicker(map) {
    var form = $("#report-form"), lat = $("#id_lat"), lng = $("#id_lng");
    var status = $("#point-status"), gps = $("#use-gps"), clear = $("#clear-point");
    var kecamatan = $("#id_kecamatan"), marker = null, geojson = null;

    function describe() {
      if (!marker) return;
      var at = marker.getLatLng(), found = geojson && kecamatanAt(geojson, at.lat, at.lng);
      status.classList.toggle("bad", Boolean(geojson && !found));
      if (geojson && !found) status.textContent = form.dataset.outside;
      else if (found) {
        status.textContent = fill(form.dataset.chosenIn, found.name);
        if (kecamatan && !kecamatan.value) kecamatan.value = found.code;
      } else status.textContent = form.dataset.chosen;
    }
    function place(latValue, lngValue, zoom) {
      lat.value = latValue.toFixed(6);
      lng.value = lngValue.toFixed(6);
      if (marker) marker.setLatLng([latValue, lngValue]);
      else marker = L.marker([latValue, lngValue], { keyboard: false }).addTo(map);
      if (zoom) map.setView([latValue, lngValue], 17);
      clear.hidden = false;
      describe();
    }
    map.on("click", function (e) { place(e.latlng.lat, e.latlng.lng, false); });
    if (lat.value && lng.value) place(parseFloat(lat.value), parseFloat(lng.value), true);
    clear.addEventListener("click", function () {
      if (marker) map.removeLayer(marker);
      marker = null;
      lat.value = lng.value = "";
      clear.hidden = true;
      status.classList.remove("bad");
      status.textContent = form.dataset.cleared;
    });
    if (!navigator.geolocation) gps.hidden = true;
    gps.addEventListener("click", function () {
      status.textContent = form.dataset.locating;
      navigator.geolocation.getCurrentPosition(
        function (pos) { place(pos.coords.latitude, pos.coords.longitude, true); },
        function () { status.textContent = form.dataset.gpsFailed; },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
    return {
      hasPoint: function () { return Boolean(marker); },
      boundaries: function (data) { geojson = data; describe(); }
    };
  }

  // ------------------------------------------------------------------ report form
  function initCategoryFilter(form) {
    var slot = $("[data-filter-slot]", form), select = $("#id_category");
    if (!slot || !select) return;
    var label = document.createElement("label"), input = document.createElement("input");
    var none = document.createElement("p");
    label.htmlFor = input.id = "category-filter";
    label.textContent = form.dataset.filterLabel;
    input.type = "search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    none.className = "help";
    none.setAttribute("aria-live", "polite");
    slot.className = "category-filter";
    slot.appendChild(label);
    slot.appendChild(input);
    slot.appendChild(none);
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean), shown = [];
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var group = option.parentNode.label || "";
        var text = (option.text + " " + group + " " + (option.dataset.keywords || "")).toLowerCase();
        var match = words.every(function (w) { return text.indexOf(w) !== -1; });
        option.hidden = !match;
        if (match) shown.push(option);
      });
      Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (g) {
        g.hidden = !Array.prototype.some.call(g.children, function (o) { return !o.hidden; });
      });
      if (shown.length === 1 && select.value !== shown[0].value) {
        select.value = shown[0].value;
        select.dispatchEvent(new Event("change"));
      }
      none.textContent = shown.length ? "" : form.dataset.noMatch;
    });
  }

  // Without a map the kelurahan list is grouped by kecamatan; with JS it follows the kecamatan.
  function initAreas() {
    var kecamatan = $("#id_kecamatan"), kelurahan = $("#id_kelurahan");
    if (!kecamatan || !kelurahan) return;
    function sync() {
      var name = kecamatan.value ? kecamatan.options[kecamatan.selectedIndex].text : "";
      Array.prototype.forEach.call(kelurahan.querySelectorAll("optgroup"), function (g) {
        g.hidden = Boolean(name) && g.label !== name;
        if (g.hidden && kelurahan.selectedOptions[0] && kelurahan.selectedOptions[0].parentNode === g) {
          kelurahan.value = "";
        }
      });
    }
    kecamatan.addEventListener("change", sync);
    kelurahan.addEventListener("change", function () {
      var option = kelurahan.selectedOptions[0];
      if (!option || !option.value || kecamatan.value) return;
      Array.prototype.forEach.call(kecamatan.options, function (k) {
        if (k.text === option.parentNode.label) kecamatan.value = k.value;
      });
    });
    sync();
  }

  // Camera photos are often 3–8 MB; over a slow connection that is minutes. Shrink big ones to the
  // size the server would keep anyway (long side 2048 px). Anything unreadable is sent as it is,
  // and the server says what is wrong with it.
  function shrink(file) {
    if (file.size < 1500000 || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          if (!blob || blob.size >= file.size) return resolve(file);
          resolve(new File([blob], file.name.replace(/\.[^.]*$/, "") + ".jpg", { type: "image/jpeg" }));
        }, "image/jpeg", 0.85);
      });
    }).catch(function () { return file; });
  }

  function initSubmit(form) {
    var button = $("[data-submit]", form), photos = $("#id_photos"), sending = 0;
    form.addEventListener("submit", function (event) {
      // One tap is enough: further taps while sending are ignored. After 20 s the button works
      // again, so a citizen on a dropped connection can retry (the server sees the same form key
      // and will not create a second report).
      if (Date.now() - sending < 20000) { event.preventDefault(); return; }
      sending = Date.now();
      button.setAttribute("aria-disabled", "true");
      button.dataset.label = button.dataset.label || button.textContent;
      button.textContent = button.dataset.busy;
      setTimeout(function () {
        button.removeAttribute("aria-disabled");
        button.textContent = button.dataset.label;
      }, 20000);
      var files = photos && photos.files ? Array.prototype.slice.call(photos.files) : [];
      if (!files.some(function (f) { return f.size >= 1500000; }) || !window.DataTransfer) return;
      event.preventDefault();
      Promise.all(files.map(shrink)).then(function (smaller) {
        try {
          var transfer = new DataTransfer();
          smaller.forEach(function (f) { transfer.items.add(f); });
          photos.files = transfer.files;
        } catch (e) { /* keep the originals */ }
        form.submit();
      });
    });
  }

  // An emergency category (marked by the region's data) puts the emergency number first: the
  // banner above the form shows, and takes the reader's attention, as soon as one is chosen.
  function initEmergency() {
    var select = $("#id_category"), banner = $("#emergency");
    if (!select || !banner) return;
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var emergency = Boolean(option && option.dataset.emergency);
      if (emergency && banner.hidden) {
        banner.hidden = false;
        banner.scrollIntoView({ block: "start" });
      } else if (!emergency) banner.hidden = true;
    });
  }

  // What will be sent, before it is sent: a thumbnail and the name of every photo chosen. Object
  // URLs, not data read into the page; names as text nodes.
  function initPhotoPreview(form) {
    var input = $("#id_photos");
    if (!input || !window.URL || !URL.createObjectURL) return;
    var heading = document.createElement("p"), list = document.createElement("ul"), urls = [];
    heading.className = "help";
    heading.id = "photo-preview-title";
    heading.hidden = true;
    heading.textContent = form.dataset.previewLabel;
    list.className = "preview";
    list.id = "photo-preview";
    list.setAttribute("aria-labelledby", heading.id);
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(heading, list);
    input.addEventListener("change", function () {
      urls.forEach(function (u) { URL.revokeObjectURL(u); });
      urls = [];
      while (list.firstChild) list.removeChild(list.firstChild);
      Array.prototype.forEach.call(input.files || [], function (file, i) {
        var item = document.createElement("li"), img = document.createElement("img");
        var name = document.createElement("span"), url = URL.createObjectURL(file);
        urls.push(url);
        img.src = url;
        img.alt = fill(form.dataset.previewAlt, String(i + 1));
        name.textContent = file.name;
        item.appendChild(img);
        item.appendChild(name);
        list.appendChild(item);
      });
      heading.hidden = !list.firstChild;
    });
  }

  function initReportForm() {
    var form = $("#report-form");
    if (!form) return;
    initEmergency();
    initPhotoPreview(form);
    initCategoryFilter(form);
    initAreas();
    initSubmit(form);
  }

  // ------------------------------------------------------------------ small things
  function initCopy() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
      var input = document.getElementById(button.dataset.copy), status = $("#copy-status");
      button.hidden = false;
      button.addEventListener("click", function () {
        input.select();
        var done = function () { status.textContent = button.dataset.copied; };
        if (navigator.clipboard) navigator.clipboard.writeText(input.value).then(done, function () {});
        else if (document.execCommand("copy")) done();
      });
    });
  }

  function focusErrors() {
    var summary = $("#error-summary");
    if (summary) summary.focus();
  }

  function start() {
    focusErrors();
    initReportForm();
    initCopy();
    initMap();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
