// Charts of a satisfaction survey round (ranking bars, indicator heat map, year over year); the data come
// from a json_script tag (the CSP allows no inline script). ECharts is served from our own static files.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var source = document.getElementById("zg-survey-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);

  function bars(id, series, name) {
    var holder = document.getElementById(id);
    if (!holder || !series.labels.length) { return; }
    echarts.init(holder).setOption({
      tooltip: {}, grid: { left: 120 },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: series.labels.slice().reverse() },
      series: [{ type: "bar", name: name, data: series.values.slice().reverse() }]
    });
  }

  bars("zg-chart-cities", data.cities, "得分");
  bars("zg-chart-counties", data.counties, "得分");

  var heat = document.getElementById("zg-chart-heat");
  if (heat && data.heat.cells.length) {
    echarts.init(heat).setOption({
      tooltip: { position: "top" }, grid: { left: 120, bottom: 120 },
      xAxis: { type: "category", data: data.heat.indicators, axisLabel: { rotate: 60 } },
      yAxis: { type: "category", data: data.heat.units },
      visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0 },
      series: [{ type: "heatmap", name: "指标得分", data: data.heat.cells, label: { show: false } }]
    });
  }

  var yoy = document.getElementById("zg-chart-yoy");
  if (yoy && data.yoy.labels.length) {
    var series = [{ type: "bar", name: String(data.yoy.year) + "年", data: data.yoy.this }];
    if (data.yoy.last_year) {
      series.push({ type: "bar", name: String(data.yoy.last_year) + "年", data: data.yoy.last });
    }
    echarts.init(yoy).setOption({
      tooltip: {}, legend: {}, grid: { bottom: 80 },
      xAxis: { type: "category", data: data.yoy.labels, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", min: 0, max: 100 }, series: series
    });
  }
});
