// Timeline of projects: a bar from start to deadline per item, its dates as points (filled when done).
// Data from a json_script tag (CSP: no inline JS).
document.addEventListener("DOMContentLoaded", function () {
  var holder = document.getElementById("zg-project-timeline");
  var source = document.getElementById("zg-project-timeline-data");
  if (!holder || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  if (!data.labels.length) { holder.style.display = "none"; return; }
  var day = function (text) { return new Date(text + "T00:00:00").getTime(); };
  echarts.init(holder).setOption({
    tooltip: { formatter: function (p) { return p.data.name; } },
    grid: { left: 180, right: 30 },
    xAxis: { type: "time" },
    yAxis: { type: "category", data: data.labels, inverse: true },
    series: [
      { type: "custom", name: "项目周期", encode: { x: [1, 2], y: 0 },
        renderItem: function (params, api) {
          var start = api.coord([api.value(1), api.value(0)]);
          var end = api.coord([api.value(2), api.value(0)]);
          var height = api.size([0, 1])[1] * 0.4;
          return { type: "rect", shape: { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height },
                   style: api.style({ fill: "#9ec5fe" }) };
        },
        data: data.bars.map(function (b) {
          return { value: [b[0], day(b[1]), day(b[2])], name: data.labels[b[0]] + "：" + b[1] + " 至 " + b[2] + "（" + b[3] + "）" };
        }) },
      { type: "scatter", name: "节点", symbolSize: 9,
        data: data.points.map(function (p) {
          return { value: [day(p[1]), p[0]], name: p[2] + " " + p[1] + (p[3] ? "（已完成）" : ""),
                   itemStyle: { color: p[3] ? "#198754" : "#fff", borderColor: p[3] ? "#198754" : "#dc3545", borderWidth: 2 } };
        }) }
    ]
  });
});
