/* django-pageviews dashboard: draws the time series with uPlot (shipped in vendor/uplot). */
(function () {
  "use strict";
  var box = document.getElementById("pv-chart");
  var source = document.getElementById("pv-chart-data");
  if (!box || !source || typeof uPlot === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var series = [{}, {label: "Pageviews", stroke: "#4f46e5", fill: "rgba(79,70,229,0.12)", width: 2, points: {show: data.x.length <= 62}}];
  var values = [data.x, data.pageviews];
  if (!data.hourly) {
    series.push({label: "Visitors", stroke: "#0d9488", width: 2, points: {show: data.x.length <= 62}});
    values.push(data.visitors);
  }
  function options() {
    return {
      width: Math.max(box.clientWidth, 320),
      height: 260,
      series: series,
      scales: {y: {range: function (u, min, max) { return [0, Math.max(max, 1) * 1.1]; }}},
      axes: [{stroke: "#64748b", grid: {show: false}}, {stroke: "#64748b", grid: {stroke: "#e2e8f0"}}],
      legend: {live: true}
    };
  }
  var chart = new uPlot(options(), values, box);
  box.setAttribute("data-rendered", String(data.x.length));
  window.addEventListener("resize", function () {
    chart.setSize({width: Math.max(box.clientWidth, 320), height: 260});
  });
})();
