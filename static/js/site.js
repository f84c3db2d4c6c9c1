// Small progressive enhancements. Every page works without this file.
(function () {
  "use strict";

  // A rejected form: move focus to the error summary so it is read first. (The summary also has
  // the autofocus attribute, which does the same without JavaScript.)
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary && document.activeElement !== summary) { summary.focus(); }
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

  // Which control had focus inside the part that is about to be replaced, so the same control in
  // the new content can have it back.
  // And where the page was scrolled to: while htmx puts the new part in beside the old one,
  // Chromium's scroll anchoring moves the page by the new part's height (the timed refresh of
  // the queue jumped a long way down). A swap never moves the page the person is reading.
  var lostFocus = null;
  var scrolled = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    var active = document.activeElement;
    lostFocus = null;
    scrolled = { x: window.scrollX, y: window.scrollY };
    if (target && active && active !== document.body && target.contains(active)) {
      lostFocus = {
        id: active.id,
        name: active.getAttribute("name"),
        href: active.getAttribute("href"),
        tag: active.tagName
      };
    }
  });

  function sameControl(scope, before) {
    if (before.id) { return document.getElementById(before.id); }
    var candidates = scope.querySelectorAll(before.tag);
    for (var i = 0; i < candidates.length; i++) {
      var el = candidates[i];
      if ((before.href && el.getAttribute("href") === before.href) ||
          (before.name && el.getAttribute("name") === before.name)) { return el; }
    }
    return null;
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    var region = document.getElementById("live-status");
    var swapped = event.detail.elt;
    var scope = swapped && swapped.isConnected ? swapped : document;
    var announcer = scope.matches && scope.matches("[data-announce]") ? scope : scope.querySelector("[data-announce]");
    if (region && announcer && announcer.dataset.announce && announcer.dataset.announce !== region.dataset.last) {
      region.dataset.last = announcer.dataset.announce;
      region.textContent = announcer.dataset.announce;
    }
    if (scrolled && (window.scrollX !== scrolled.x || window.scrollY !== scrolled.y)) {
      window.scrollTo(scrolled.x, scrolled.y);
    }
    scrolled = null;
    // Focus that was inside the replaced part would fall to the page body: give it back to the
    // same control, else to a heading of the new part, else to the new part itself.
    if (lostFocus && (document.activeElement === document.body || !document.activeElement)) {
      var next = sameControl(scope, lostFocus) || scope.querySelector("h1, h2, h3") || (scope !== document ? scope : null);
      if (next) {
        if (!next.matches("a[href], button, input, select, textarea, [tabindex]")) { next.setAttribute("tabindex", "-1"); }
        next.focus({ preventScroll: true });
      }
    }
    lostFocus = null;
  });
  // A saved reply goes into the answer where the cursor is, keeping what was typed. Without this
  // script the button sends the typed text along and the page adds the reply after it.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-insert-saved]") : null;
    if (!button) { return; }
    var form = button.form;
    var field = form && form.querySelector("textarea[name=body]");
    var select = form && form.querySelector("select[name=saved]");
    var option = select && select.options[select.selectedIndex];
    if (!field || !option) { return; }
    event.preventDefault();
    var text = option.getAttribute("data-body") || "";
    var start = field.selectionStart, end = field.selectionEnd;
    if (typeof start !== "number") { start = end = field.value.length; }
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.selectionStart = field.selectionEnd = start + text.length;
    var region = document.getElementById("live-status");
    if (region && button.dataset.done) { region.textContent = button.dataset.done; }
  });
})();

// Instructions: a print button where printing is possible (the browser's own print works anyway).
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector("[data-print]");
  if (button && window.print) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
});
