// Small progressive enhancements; every page works without this script.
(function () {
  "use strict";
  var KEY = "elder-mode";
  var root = document.documentElement;
  function stored() {
    try { return window.localStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }
  if (stored()) { root.classList.add("elder"); }
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("elder-toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.setAttribute("aria-pressed", root.classList.contains("elder") ? "true" : "false");
      toggle.addEventListener("click", function () {
        var on = !root.classList.contains("elder");
        root.classList.toggle("elder", on);
        toggle.setAttribute("aria-pressed", on ? "true" : "false");
        try { window.localStorage.setItem(KEY, on ? "1" : "0"); } catch (e) { /* private mode */ }
      });
    }
    var printers = document.querySelectorAll("[data-print]");
    for (var i = 0; i < printers.length; i++) {
      printers[i].hidden = false;
      printers[i].addEventListener("click", function () { window.print(); });
    }
  });
})();
