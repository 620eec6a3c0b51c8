// Charts of the compliance dashboard. Data comes from json_script tags (CSP forbids inline script).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof echarts === "undefined") { return; }
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var rates = read("rules-rates-data");
  var ratesHolder = document.getElementById("rules-rates");
  if (rates && ratesHolder) {
    var chart = echarts.init(ratesHolder);
    chart.setOption({
      tooltip: { formatter: function (p) { return p.name + " " + rates.titles[p.dataIndex] + "：" + p.value + "%"; } },
      grid: { left: 48, right: 16, bottom: 32 },
      xAxis: { type: "category", data: rates.labels },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "bar", data: rates.values, name: "落实率" }]
    });
    chart.on("click", function (p) {
      var url = new URL(window.location.href);
      url.searchParams.set("rule", p.name);
      window.location.href = url.toString();
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var trend = read("rules-trend-data");
  var trendHolder = document.getElementById("rules-trend");
  if (trend && trendHolder) {
    var line = echarts.init(trendHolder);
    line.setOption({
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, bottom: 32 },
      xAxis: { type: "category", data: trend.labels },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: [{ type: "line", data: trend.values, name: "落实率", connectNulls: true }]
    });
    window.addEventListener("resize", function () { line.resize(); });
  }
});
