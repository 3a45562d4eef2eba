// The chart of a canned query page (bar, line, pie or sankey), drawn with the bundled ECharts.
// The server aggregates the data into a JSON block (<script type="application/json" id="query-chart-data">);
// this file only maps it to ECharts options. Text from the data is handed to ECharts as plain strings and
// tooltips are drawn on the canvas (renderMode "richText"), so no label is interpreted as HTML.
"use strict";
(function () {
  var holder = document.getElementById("query-chart-data");
  var node = document.getElementById("query-chart");
  if (!holder || !node || !window.echarts) { return; }
  var spec = JSON.parse(holder.textContent);
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-BE";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function short(value) {
    var abs = Math.abs(value);
    if (abs >= 1e9) { return number.format(value / 1e9) + (lang === "nl-BE" ? " mld" : " bn"); }
    if (abs >= 1e6) { return number.format(value / 1e6) + " M"; }
    if (abs >= 1e3) { return number.format(value / 1e3) + " k"; }
    return number.format(value);
  }
  function full(value) { return value == null ? "–" : number.format(value); }
  function clip(text) { return text.length > 28 ? text.slice(0, 27) + "…" : text; }

  var option = { animation: false, tooltip: { renderMode: "richText", valueFormatter: full } };
  if (spec.type === "sankey") {
    node.style.height = Math.max(420, 28 * spec.nodes.length) + "px";
    option.tooltip.trigger = "item";
    option.series = [{
      type: "sankey", data: spec.nodes, links: spec.links, emphasis: { focus: "adjacency" },
      nodeGap: 10, left: 10, right: 160, label: { formatter: function (p) { return clip(p.name); } },
      lineStyle: { color: "gradient", curveness: 0.5 }
    }];
  } else if (spec.type === "pie") {
    option.tooltip.trigger = "item";
    option.legend = { type: "scroll", orient: "vertical", right: 0, top: 20, bottom: 20,
                      formatter: function (name) { return clip(name); } };
    option.series = [{ type: "pie", radius: ["30%", "65%"], center: ["35%", "50%"], data: spec.data,
                       label: { formatter: function (p) { return clip(p.name); } } }];
  } else {
    option.tooltip.trigger = "axis";
    option.legend = { type: "scroll", bottom: 0 };
    option.grid = { left: 80, right: 20, top: 40, bottom: spec.categories.length > 8 ? 150 : 70 };
    option.xAxis = { type: "category", data: spec.categories,
                     axisLabel: { rotate: spec.categories.length > 8 ? 40 : 0, formatter: clip } };
    option.yAxis = { type: "value", name: spec.unit, axisLabel: { formatter: short } };
    option.series = spec.series.map(function (s) {
      return { name: s.name, type: spec.type, data: s.data, emphasis: { focus: "series" }, connectNulls: true };
    });
  }
  var chart = window.echarts.init(node, null, { renderer: "canvas" });
  chart.setOption(option);
  window.addEventListener("resize", function () { chart.resize(); });
  node.setAttribute("data-rendered", spec.type);
})();
