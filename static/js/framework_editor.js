/* Framework editor (templates/frameworks/): small helpers, no inline scripts (strict CSP). */
(function () {
  "use strict";

  // Ask before a button that deletes: <button formaction="..." data-confirm="...">.
  // (portal.js asks for whole forms with data-confirm; here one button of a row form asks.)
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Mark a row changed but not yet saved, and warn before leaving the page with such rows.
  function markDirty(event) {
    var row = event.target.closest && event.target.closest("[data-editor-row], form[id$='-new']");
    if (row) { row.classList.add("border-warning", "bg-warning-subtle"); row.setAttribute("data-dirty", "1"); }
  }
  document.addEventListener("input", markDirty);
  document.addEventListener("change", markDirty);
  // The form being submitted is saved with the page change; other changed rows still warn.
  document.addEventListener("submit", function (event) {
    if (!event.defaultPrevented && event.target.removeAttribute) { event.target.removeAttribute("data-dirty"); }
  });
  window.addEventListener("beforeunload", function (event) {
    if (document.querySelector("[data-editor] [data-dirty]")) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // After a page came back with errors, bring the first one into view.
  document.addEventListener("DOMContentLoaded", function () {
    var first = document.querySelector("[data-editor] .is-invalid, [data-editor] form .alert-danger");
    if (first) {
      first.scrollIntoView({ block: "center" });
      if (first.focus) { first.focus({ preventScroll: true }); }
    }
  });
})();
