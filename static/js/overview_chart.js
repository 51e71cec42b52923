/* Band distribution of the overview (Chart.js, vendored). The numbers come from the JSON block the
 * page renders beside the table that shows the same counts (for screen readers and printing). */
(function () {
  "use strict";
  function draw() {
    var canvas = document.getElementById("band-chart");
    var data = document.getElementById("band-chart-data");
    if (!canvas || !data || typeof Chart === "undefined") { return; }
    var rows = JSON.parse(data.textContent);
    // The page's Thai font (Chart.js draws on a canvas, which does not inherit CSS fonts).
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    var colours = rows.map(function (r) { return r.value === "none" ? "#adb5bd" : "#1f3a5f"; });
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: rows.map(function (r) { return r.label; }),
        datasets: [{ label: canvas.getAttribute("data-label"), data: rows.map(function (r) { return r.count; }),
                     backgroundColor: colours }]
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
