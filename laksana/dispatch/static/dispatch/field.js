/* Field pages: read the phone's position for check-in, and share it every minute when the officer
   opted in. Everything here is optional: the forms work without it. */
(function () {
  "use strict";
  var geo = navigator.geolocation;

  // A point as the pages print it (regions/templatetags/geo.py): "-6.17280, 106.63180".
  function point(coords) {
    return coords.latitude.toFixed(5) + ", " + coords.longitude.toFixed(5);
  }

  function locate(done) {
    if (!geo) { done(null); return; }
    geo.getCurrentPosition(
      function (p) { done(p.coords); },
      function () { done(null); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 }
    );
  }

  // Check-in: fill the hidden lat/lng/accuracy fields before the form goes out.
  document.querySelectorAll("form[data-geo]").forEach(function (form) {
    var status = form.querySelector(".geo-status");
    var ready = false;
    function fill(coords) {
      if (coords) {
        form.elements.lat.value = coords.latitude;
        form.elements.lng.value = coords.longitude;
        form.elements.accuracy.value = Math.round(coords.accuracy);
        if (status) status.textContent = status.dataset.found + " ±" + Math.round(coords.accuracy) + " m";
      } else if (status) {
        status.textContent = status.dataset.none;
      }
    }
    if (status) status.textContent = status.dataset.wait;
    locate(fill);
    form.addEventListener("submit", function (event) {
      if (ready) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      locate(function (coords) {
        fill(coords);
        ready = true;
        form.submit();
      });
    });
  });

  // Opt-in location sharing: about once a minute while the officer is on duty.
  var share = document.getElementById("share-status");
  if (share && share.dataset.active && geo) {
    var send = function () {
      locate(function (coords) {
        if (!coords) return;
        var body = new FormData();
        body.append("lat", coords.latitude);
        body.append("lng", coords.longitude);
        body.append("accuracy", Math.round(coords.accuracy));
        fetch(share.dataset.url, {
          method: "POST",
          body: body,
          headers: { "X-CSRFToken": share.dataset.csrf },
          credentials: "same-origin"
        }).then(function (response) {
          return response.json().then(function (body) {
            // The server's clock and zone (the region's), not the phone's.
            share.textContent = response.ok
              ? share.dataset.sent + " " + body.time + " (" + point(coords) + ")"
              : share.dataset.failed + ": " + body.detail;
          });
        }).catch(function () {
          share.textContent = share.dataset.failed;
        });
      });
    };
    send();
    setInterval(send, 60000);
  }
})();
