// Bar chart of talks per unit on the statistics page; data comes from a json_script tag (CSP: no inline JS).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("talks-by-unit");
  var source = document.getElementById("talks-by-unit-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  echarts.init(holder).setOption({
    tooltip: {}, grid: { left: 120 },
    xAxis: { type: "value" }, yAxis: { type: "category", data: data.labels },
    series: [{ type: "bar", data: data.values, name: "人次" }]
  });
});
