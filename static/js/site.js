// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // A rejected form: move focus to the error summary so it is read first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });

  // htmx: mark busy targets, announce swapped content, keep focus where it belongs.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.detail.target;
    if (target) { target.setAttribute("aria-busy", "true"); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var target = event.detail.target;
    if (target) { target.removeAttribute("aria-busy"); }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var region = document.getElementById("live-status");
    var swapped = event.detail.elt;
    var scope = swapped && swapped.isConnected ? swapped : document;
    var announcer = scope.querySelector ? (scope.matches && scope.matches("[data-announce]") ? scope : scope.querySelector("[data-announce]")) : null;
    if (region && announcer && announcer.dataset.announce && announcer.dataset.announce !== region.dataset.last) {
      region.dataset.last = announcer.dataset.announce;
      region.textContent = announcer.dataset.announce;
    }
    if (document.activeElement === document.body) {
      var heading = scope.querySelector && scope.querySelector("h1, h2");
      if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
    }
  });
})();
