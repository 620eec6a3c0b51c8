// Stacked bars of the villages of each colour per quarter on the income pages; the data comes from a
// json_script tag (CSP: no inline script).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("zg-income-trend");
  var source = document.getElementById("zg-income-trend-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  echarts.init(holder).setOption({
    tooltip: { trigger: "axis" }, legend: {},
    color: data.series.map(function (s) { return s.color; }),
    xAxis: { type: "category", data: data.quarters },
    yAxis: { type: "value", minInterval: 1, name: data.unit },
    series: data.series.map(function (s) {
      return { type: "bar", stack: "levels", name: s.name, data: s.data };
    })
  });
});
