/* Today's figures. The open total is drawn by the core (wall.js), with the map's. */
(() => {
  // While replaying a day the figures are counted from the replayed events themselves.
  const COUNTS = {submitted: "received", verified: "verified", disposed: "disposed", forwarded: "disposed", resolved: "resolved"};
  let shown = {};
  function show(data) {
    shown = data;
    for (const dd of document.querySelectorAll(".numbers dd:not([data-total])")) {
      const value = data[dd.dataset.n];
      dd.textContent = value == null ? "–" : dd.dataset.n === "satisfaction" ? `${value.toFixed(1)} ★` : value.toLocaleString();
    }
  }
  LiveWall.panel("numbers", {
    render: show,
    onEvent(item) {
      if (!LiveWall.replaying || !COUNTS[item.type]) return;
      show({...shown, [COUNTS[item.type]]: (shown[COUNTS[item.type]] || 0) + 1});
    },
    startReplay() { show({received: 0, verified: 0, disposed: 0, resolved: 0}); },
  });
})();
