// Bar charts of entity pages (funding by year, results, Tabel 8 budget phases).
// The data comes from a JSON block (<script type="application/json" id="chart-data">) written by the
// server; text from the data is only ever handed to ECharts as plain strings, and tooltips are drawn
// on the canvas (renderMode "richText"), so no label is ever interpreted as HTML.
"use strict";
(function () {
  var holder = document.getElementById("chart-data");
  if (!holder || !window.echarts) { return; }
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-BE";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var specs = JSON.parse(holder.textContent);

  function short(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) { return number.format(value / 1e9) + " mld"; }
    if (abs >= 1e6) { return number.format(value / 1e6) + " M"; }
    if (abs >= 1e3) { return number.format(value / 1e3) + " k"; }
    return number.format(value);
  }

  specs.forEach(function (spec) {
    var node = document.getElementById(spec.id);
    if (!node) { return; }
    var chart = window.echarts.init(node, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      title: { text: spec.title, subtext: spec.unit, left: 0, textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: "axis", renderMode: "richText",
        valueFormatter: function (v) { return v == null ? "–" : number.format(v) + " " + spec.unit; }
      },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 70, right: 20, top: 55, bottom: 60 },
      xAxis: { type: "category", data: spec.categories },
      yAxis: { type: "value", axisLabel: { formatter: short } },
      series: spec.series.map(function (s) {
        return { name: s.name, type: spec.kind || "bar", data: s.data, emphasis: { focus: "series" } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    node.setAttribute("data-rendered", "true");
  });
})();
