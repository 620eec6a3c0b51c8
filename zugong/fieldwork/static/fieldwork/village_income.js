// One village's income per quarter on its income page, each bar in the colour of its level then; the data
// comes from a json_script tag (CSP: no inline script). A quarter not reported has no bar.
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("zg-village-income");
  var source = document.getElementById("zg-village-income-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  echarts.init(holder).setOption({
    tooltip: {
      trigger: "axis",
      formatter: function (items) {
        var i = items[0].dataIndex;
        var value = data.income[i] === null ? "—" : data.income[i] + " " + data.unit;
        return data.quarters[i] + "<br>" + data.name + "：" + value + (data.levels[i] ? "（" + data.levels[i] + "）" : "");
      }
    },
    xAxis: { type: "category", data: data.quarters },
    yAxis: { type: "value", name: data.unit },
    series: [{
      type: "bar", name: data.name,
      data: data.income.map(function (value, i) {
        return { value: value, itemStyle: { color: data.colors[i] || "#adb5bd" } };
      })
    }]
  });
});
