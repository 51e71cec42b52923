/* Charts of the dashboard of an organization's year (Chart.js, vendored). The numbers come from the
 * JSON block the page renders; each chart has a table with the same numbers beside it (hidden on
 * screen but read by screen readers, shown by its "Show the table" button and when printing). */
(function () {
  "use strict";
  var NAVY = "#1f3a5f", PALE = "rgba(31, 58, 95, 0.15)", RED = "#c0504d";
  var LINES = ["#1f3a5f", "#c0504d", "#4e9a06", "#8064a2", "#f79646", "#2a9d8f", "#e76f51",
               "#6c757d", "#b5838d", "#264653", "#e9c46a"];

  function toggles() {
    document.querySelectorAll("[data-table-toggle]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-table-toggle"));
      if (!target) { return; }
      var showText = button.textContent;
      button.addEventListener("click", function () {
        var hidden = target.classList.toggle("dash-table-hidden");
        button.setAttribute("aria-expanded", hidden ? "false" : "true");
        button.textContent = hidden ? showText : (button.getAttribute("data-hide-text") || showText);
      });
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function toolsChart(data) {
    var canvas = document.getElementById("tools-chart");
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.tools.map(function (t) { return t.label; }),
        datasets: [
          { label: canvas.getAttribute("data-label-weighted"), data: data.tools.map(function (t) { return t.weighted; }),
            backgroundColor: NAVY, grouped: false, order: 1 },
          { label: canvas.getAttribute("data-label-max"), data: data.tools.map(function (t) { return t.max; }),
            backgroundColor: PALE, grouped: false, order: 2 }
        ]
      },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                 scales: { x: { beginAtZero: true,
                                max: Math.max.apply(null, data.tools.map(function (t) { return t.max || 0; })) } } }
    });
  }

  function indicatorsChart(data) {
    var canvas = document.getElementById("indicators-chart");
    if (!canvas) { return; }
    var min = data.strength_min;
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.indicators.map(function (i) { return i.label; }),
        datasets: [
          { type: "bar", label: canvas.getAttribute("data-label"),
            data: data.indicators.map(function (i) { return i.score; }),
            backgroundColor: data.indicators.map(function (i) { return i.score !== null && i.score < min ? RED : NAVY; }) },
          { type: "line", label: canvas.getAttribute("data-label-threshold"),
            data: data.indicators.map(function () { return min; }),
            borderColor: RED, borderDash: [6, 4], pointRadius: 0, borderWidth: 1.5 }
        ]
      },
      options: { maintainAspectRatio: false, animation: false,
                 scales: { y: { beginAtZero: true, max: 100 },
                           x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: 30 } } } }
    });
  }

  function trendChart(data) {
    var canvas = document.getElementById("trend-chart");
    if (!canvas) { return; }
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.years,
        // the total (the last row) first: drawn on top, first in the legend, navy and thick
        datasets: data.trend.slice().reverse().map(function (row, n) {
          var colour = LINES[n % LINES.length];
          return { label: row.label, data: row.scores, borderColor: colour, backgroundColor: colour,
                   borderWidth: row.total ? 3.5 : 1.5, pointRadius: row.total ? 4 : 2, spanGaps: false,
                   order: row.total ? 0 : 1 };
        })
      },
      options: { maintainAspectRatio: false, animation: false,
                 plugins: { legend: { position: "bottom" } },
                 scales: { y: { suggestedMin: 50, max: 100 } } }
    });
  }

  function draw() {
    toggles();
    var block = document.getElementById("dashboard-data");
    if (!block || typeof Chart === "undefined") { return; }
    var data = JSON.parse(block.textContent);
    // The page's Thai font (Chart.js draws on a canvas, which does not inherit CSS fonts).
    Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
    toolsChart(data);
    indicatorsChart(data);
    trendChart(data);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
