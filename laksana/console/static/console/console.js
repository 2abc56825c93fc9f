// Console behaviour on top of plain forms: ready-made texts (maps: laksana/staffmap.js).
// Everything works without this file.
(function () {
  "use strict";

  // A ready-made text chosen in a select is copied into its textarea, to be edited there.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!select.matches || !select.matches("select[data-fill]") || !select.value) return;
    var target = document.getElementById(select.dataset.fill);
    if (target) target.value = select.value;
  });
})();
