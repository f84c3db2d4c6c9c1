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

// Typing is never lost to a timeout (ui.md 16). Two parts: the sign-in warns before it ends, and
// the text areas of forms keep a draft in this browser.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("live-status");
    if (region && text) { region.textContent = text; }
  }

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }

  // The warning: shown `warnBefore` seconds before the session ends, with a button that asks the
  // server to start the session's time again. It is in the page from the start (hidden), so its
  // role="alert" part is announced when the text appears.
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("session-warning");
    if (!box || !window.fetch) { return; }
    var left = parseInt(box.dataset.secondsLeft, 10);
    var before = parseInt(box.dataset.warnBefore, 10);
    var message = box.querySelector("[data-session-message]");
    var stay = box.querySelector("[data-session-stay]");
    var again = box.querySelector("[data-session-again]");
    if (isNaN(left) || isNaN(before) || !message || !stay || !again) { return; }
    var timers = [];

    function show(text, ended) {
      box.hidden = false;
      document.documentElement.classList.add("has-session-warning");
      stay.hidden = ended;
      again.hidden = !ended;
      message.textContent = text;
      var active = document.activeElement;
      if (!active || active === document.body) { (ended ? again : stay).focus(); }
    }

    function schedule(seconds) {
      timers.forEach(window.clearTimeout);
      box.hidden = true;
      document.documentElement.classList.remove("has-session-warning");
      timers = [
        window.setTimeout(function () { show(box.dataset.textWarning, false); }, Math.max(0, seconds - before) * 1000),
        window.setTimeout(function () { show(box.dataset.textEnded, true); }, seconds * 1000)
      ];
    }

    stay.addEventListener("click", function () {
      window.fetch(box.dataset.keepaliveUrl, {
        method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      }).then(function (data) {
        var wasFocused = document.activeElement === stay;
        schedule(data.seconds_left);
        announce(box.dataset.textStayed);
        if (wasFocused) { document.getElementById("main").focus(); }
      }).catch(function () { show(box.dataset.textEnded, true); });
    });
    schedule(left);
  });

  // Drafts: every text area of a form that posts keeps what is typed in localStorage, under the
  // form's address and the field's name. An empty field gets its draft back, with
  // a polite note. A form that was sent and answered with a redirect (the server took it) clears
  // its drafts on the next page; a rejected form, a sign-in page (the session had ended) or an
  // error page keeps them, so the text is still here after signing in again.
  var PREFIX = "draft:";
  var PENDING = "drafts-sent";

  function storage(kind) {
    try { var s = window[kind]; s.setItem("draft-test", "1"); s.removeItem("draft-test"); return s; } catch (e) { return null; }
  }

  function draftKey(field) {
    // The form's address names the page it belongs to (a question's number is in it).
    var action = field.form.action ? new URL(field.form.action, window.location.href).pathname : window.location.pathname;
    return PREFIX + action + "|" + field.name;
  }

  function cameByRedirect() {
    var entries = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    return entries.length > 0 && entries[0].redirectCount > 0;
  }

  function forgetSent(local, session) {
    var sent = null;
    try { sent = JSON.parse(session.getItem(PENDING) || "null"); } catch (e) { sent = null; }
    session.removeItem(PENDING);
    if (!sent || !sent.keys || Date.now() - sent.at > 120000) { return; }
    if (document.querySelector("[data-error-summary], [data-keep-drafts]") || !cameByRedirect()) { return; }
    sent.keys.forEach(function (key) { local.removeItem(key); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var local = storage("localStorage");
    var session = storage("sessionStorage");
    if (!local || !session) { return; }
    forgetSent(local, session);
    var restored = false;
    var fields = document.querySelectorAll("form[method=post] textarea[name]");
    Array.prototype.forEach.call(fields, function (field) {
      var key = draftKey(field);
      var draft = local.getItem(key);
      if (draft && !field.value.trim()) {
        field.value = draft;
        restored = true;
        var note = document.getElementById("draft-note");
        if (note && note.content) {
          var copy = note.content.firstElementChild.cloneNode(true);
          field.parentNode.insertBefore(copy, field);
        }
      }
      var timer = null;
      function save() {
        try {
          if (field.value.trim()) { local.setItem(key, field.value); } else { local.removeItem(key); }
        } catch (e) { /* storage full: the text stays in the field */ }
      }
      field.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(save, 300); });
      field.form.addEventListener("submit", function () {
        save();
        var sent = {at: Date.now(), keys: []};
        try { sent = JSON.parse(session.getItem(PENDING) || "null") || sent; } catch (e) { /* a fresh list */ }
        if (sent.keys.indexOf(key) < 0) { sent.keys.push(key); }
        sent.at = Date.now();
        session.setItem(PENDING, JSON.stringify(sent));
      });
    });
    var note = document.getElementById("draft-note");
    if (restored && note) { announce(note.dataset.announce); }
    // Signing out on purpose leaves no drafts behind on a shared computer.
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sign-out]"), function (form) {
      form.addEventListener("submit", function () {
        for (var i = local.length - 1; i >= 0; i--) {
          var key = local.key(i);
          if (key && key.indexOf(PREFIX) === 0) { local.removeItem(key); }
        }
      });
    });
  });
})();
