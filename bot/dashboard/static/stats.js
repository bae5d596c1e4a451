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
    var chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: table.labels,
        datasets: [{ data: table.counts, backgroundColor: "#1f5fa8" }]
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        animation: false,
        responsive: true,
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true }, y: { beginAtZero: true } }
      }
    });
    window.caminoCharts.push(chart);
  });
})();
