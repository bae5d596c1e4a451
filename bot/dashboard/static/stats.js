/* Draws the statistics page's charts from the JSON the server embedded (no inline script). */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var tables = JSON.parse(source.textContent);
  window.caminoCharts = [];
  tables.forEach(function (table) {
    var canvas = document.getElementById("chart-" + table.dimension);
    if (!canvas) { return; }
    var horizontal = table.dimension !== "month";
    // Long labels wrap onto several lines instead of being cut off.
    var labels = table.labels.map(function (label) {
      var lines = [], line = "";
      label.split(" ").forEach(function (word) {
        if (line && (line + " " + word).length > 22) { lines.push(line); line = word; }
        else { line = line ? line + " " + word : word; }
      });
      lines.push(line);
      return lines.length > 1 ? lines : label;
    });
    // Room for every bar and its label (set through the CSSOM: no inline style).
    canvas.parentNode.style.height = horizontal ? (64 + 36 * labels.length) + "px" : "320px";
    var chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ data: table.counts, backgroundColor: "#1f5fa8" }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, ticks: { autoSkip: horizontal } },
          y: { beginAtZero: true, ticks: { autoSkip: false } }
        }
      }
    });
    window.caminoCharts.push(chart);
  });
})();
