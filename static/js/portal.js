/* Portal behaviour without inline scripts (a strict Content-Security-Policy holds). */
(function () {
  "use strict";
  // Ask before destructive or bulk actions: <form data-confirm="...">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // htmx sends the CSRF token taken from the <body hx-headers> attribute; nothing else to do here.
  // Show the "saving" state next to a row while htmx works on it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var state = event.target.querySelector && event.target.querySelector(".save-state");
    if (state) { state.textContent = state.getAttribute("data-saving") || "…"; }
  });
})();
