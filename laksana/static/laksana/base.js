/* Behaviour every page shares. Pages carry no inline script or on* attribute (the
   Content-Security-Policy refuses them): what they need is wired here. */
(function () {
  "use strict";
  // The language switch applies as soon as a language is chosen; without JS a button does it.
  var language = document.getElementById("language");
  if (language) language.addEventListener("change", function () { language.form.submit(); });
  // A field to copy from (a new API key) is selected whole when focused.
  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("[data-select-on-focus]")) event.target.select();
  });
})();
