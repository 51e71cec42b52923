/* Portal behaviour without inline scripts (a strict Content-Security-Policy holds). */
(function () {
  "use strict";

  var body = document.body;
  function msg(name, fallback) {
    return (body && body.getAttribute("data-msg-" + name)) || fallback;
  }

  // Ask before destructive or bulk actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-print]") : null;
    if (button) { window.print(); }
  });

  /* ---------------------------------------------------------------- autosave: nothing typed is lost
   * Each [data-autosave] field posts only its own value (hx-params) through htmx. Here we keep track
   * of what is typed but not yet sent (pending), what is on its way (inflight) and what the server
   * refused (invalid), flush pending input on blur, before leaving through a link or a form and
   * before unload, and ask before leaving with unsaved or invalid input.
   */
  var pending = new Set();
  var inflight = 0;
  var invalid = new Set();
  var dirtyForms = new Set();
  var waiters = [];
  var leaving = false;

  function isAutosave(el) {
    return !!(el && el.hasAttribute && el.hasAttribute("data-autosave"));
  }

  function stateFor(el) {
    var id = el.getAttribute("aria-describedby");
    if (el.type === "radio") {
      var row = el.closest("[data-oit-row]");
      return row ? document.getElementById(row.id + "-state") : null;
    }
    return id ? document.getElementById(id) : null;
  }

  function settle() {
    if (inflight === 0 && pending.size === 0) {
      var done = waiters;
      waiters = [];
      done.forEach(function (resolve) { resolve(); });
    }
  }

  // Send every pending field now; resolves when nothing is pending or on its way (or after 15 s).
  function flush() {
    Array.from(pending).forEach(function (el) {
      if (document.body.contains(el)) {
        htmx.trigger(el, "autosave");
      } else {
        pending.delete(el);
      }
    });
    return new Promise(function (resolve) {
      if (inflight === 0 && pending.size === 0) { resolve(); return; }
      waiters.push(resolve);
      window.setTimeout(resolve, 15000);
    });
  }

  // Leave on purpose (no second question); a download leaves the page in place, so forget it soon.
  function leaveTo(go) {
    leaving = true;
    window.setTimeout(function () { leaving = false; }, 3000);
    go();
  }

  function hasUnsaved() {
    return pending.size > 0 || inflight > 0 || invalid.size > 0 || dirtyForms.size > 0;
  }

  function syncFieldStates() {
    // A field no longer on the page (its panel was replaced) can no longer be corrected.
    Array.from(invalid).forEach(function (id) {
      if (!document.getElementById(id)) { invalid.delete(id); }
    });
    document.querySelectorAll("[data-field-state]").forEach(function (state) {
      var input = document.getElementById(state.getAttribute("data-for"));
      if (!input) { return; }
      var bad = state.getAttribute("data-invalid") === "true";
      input.classList.toggle("is-invalid", bad);
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        invalid.add(input.id);
      } else {
        input.removeAttribute("aria-invalid");
        invalid.delete(input.id);
      }
    });
    document.querySelectorAll("[data-row-state]").forEach(function (state) {
      var row = document.getElementById(state.id.replace(/-state$/, ""));
      if (!row) { return; }
      var value = state.getAttribute("data-row-state");
      row.classList.toggle("is-passed", value === "pass");
      row.classList.toggle("is-failed", value === "fail");
    });
  }

  document.addEventListener("input", function (event) {
    var el = event.target;
    if (isAutosave(el)) {
      pending.add(el);
    } else if (el.form && el.form.hasAttribute("data-dirty-guard")) {
      dirtyForms.add(el.form);
    }
  }, true);

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (isAutosave(el) && el.type === "radio") {
      var row = el.closest("[data-oit-row]");
      if (row) {
        row.classList.toggle("is-passed", el.value === "pass");
        row.classList.toggle("is-failed", el.value === "fail");
      }
    }
  }, true);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var el = event.detail.elt;
    if (!isAutosave(el)) { return; }
    pending.delete(el);
    inflight += 1;
    var state = stateFor(el);
    if (state && !state.classList.contains("invalid-feedback")) {
      state.textContent = msg("saving", "…");
      state.className = state.className.replace(/\btext-(success|danger)\b/g, "") + " text-muted";
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var el = event.detail.elt;
    if (!isAutosave(el)) { return; }
    inflight = Math.max(0, inflight - 1);
    if (!event.detail.successful) {
      pending.add(el);  // kept: sent again by the next flush, and leaving still warns
      var state = stateFor(el);
      if (state) {
        state.textContent = msg("failed", "Not saved");
        state.classList.add("text-danger");
      }
    }
    settle();
  });

  document.addEventListener("htmx:afterSettle", syncFieldStates);
  document.addEventListener("htmx:oobAfterSwap", syncFieldStates);
  document.addEventListener("DOMContentLoaded", syncFieldStates);

  // Leaving through a link: send what is pending first, then ask if something is still wrong.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || link.target === "_blank" || link.hasAttribute("download")) {
      return;
    }
    var href = link.getAttribute("href");
    // A link that htmx loads into the page (a round badge opening its panel) does not leave it.
    if (!href || href.charAt(0) === "#" || link.hasAttribute("hx-get") || !hasUnsaved()) { return; }
    event.preventDefault();
    flush().then(function () {
      if ((invalid.size || pending.size || dirtyForms.size) && !window.confirm(msg("leave", "Leave this page?"))) {
        return;
      }
      leaveTo(function () { window.location.href = link.href; });
    });
  }, true);

  // Leaving through another form (language switch, log out): the same.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-autosave-form") || event.defaultPrevented) { return; }
    if (form.hasAttribute("data-dirty-guard")) {
      dirtyForms.delete(form);
      if (!hasUnsaved()) { leaveTo(function () {}); }
      return;
    }
    if (!hasUnsaved()) { leaveTo(function () {}); return; }
    event.preventDefault();
    flush().then(function () {
      if ((invalid.size || pending.size || dirtyForms.size) && !window.confirm(msg("leave", "Leave this page?"))) {
        return;
      }
      leaveTo(function () { form.submit(); });
    });
  });

  // Closing or reloading the tab: send what is pending with sendBeacon, and ask first.
  function beaconFlush() {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    Array.from(pending).forEach(function (el) {
      var url = el.getAttribute("hx-post");
      if (!url || !token || !navigator.sendBeacon) { return; }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token.value);
      if (el.type === "radio") {
        var checked = el.form && el.form.querySelector("input[name=" + el.name + "]:checked");
        data.append(el.name, checked ? checked.value : "");
      } else {
        data.append(el.name, el.value);
      }
      if (navigator.sendBeacon(url, data)) { pending.delete(el); }
    });
  }

  window.addEventListener("beforeunload", function (event) {
    if (leaving) { return; }
    var unsent = pending.size > 0;
    beaconFlush();
    if (unsent || inflight > 0 || invalid.size > 0 || dirtyForms.size > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  window.addEventListener("pagehide", beaconFlush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden" && pending.size) { flush(); }
  });

  // Close an inline panel (the measure list): send what is pending, then hide it in place, so the
  // fields stay tracked and a field still marked in red keeps asking before leaving.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-panel-close]") : null;
    if (!button) { return; }
    var panel = button.closest(".measure-panel");
    flush().then(function () {
      if (panel) { panel.hidden = true; }
    });
  });

  // Enter in a one-line field of an inline panel saves that field (it would otherwise post the
  // panel's no-JavaScript form and leave the list).
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || !isAutosave(el) || el.tagName !== "INPUT" || !el.closest(".measure-panel")) {
      return;
    }
    event.preventDefault();
    htmx.trigger(el, "autosave");
  });

  window.itaAutosave = { flush: flush, state: function () {
    return { pending: pending.size, inflight: inflight, invalid: Array.from(invalid) };
  } };
})();
