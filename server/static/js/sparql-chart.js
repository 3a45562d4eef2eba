// A "Chart" view for YASR (the result half of YASGUI) drawn with the bundled ECharts, because YASR's
// own chart plugin loads Google Charts from the internet. It offers itself when a SELECT result has a
// numeric column: a bar chart of up to four numeric columns against the first other column. Values
// go to ECharts as plain numbers and strings (tooltips drawn on the canvas), never as HTML.
"use strict";
(function () {
  if (!window.Yasgui || !window.echarts) { return; }
  var NUMERIC = /#(integer|decimal|double|float|long|int|short|byte|nonNegativeInteger|positiveInteger|negativeInteger|nonPositiveInteger|unsignedLong|unsignedInt|unsignedShort|unsignedByte)$/;
  var MAX_BARS = 200;
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-BE";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });

  function isNumber(term) {
    return term && term.type !== "uri" && term.type !== "bnode" && NUMERIC.test(term.datatype || "") &&
      isFinite(parseFloat(term.value));
  }

  function ChartPlugin(yasr) {
    this.yasr = yasr;
    this.label = "Chart";
    this.priority = 5;
    this.chart = null;
  }

  ChartPlugin.prototype.spec = function () {
    var results = this.yasr.results;
    if (!results || !results.getVariables || results.getBoolean() !== undefined) { return null; }
    var vars = results.getVariables() || [];
    var rows = results.getBindings() || [];
    if (!vars.length || !rows.length) { return null; }
    var numeric = vars.filter(function (v) {
      var bound = rows.filter(function (row) { return row[v]; });
      return bound.length > 0 && bound.every(function (row) { return isNumber(row[v]); });
    });
    if (!numeric.length) { return null; }
    var label = vars.filter(function (v) { return numeric.indexOf(v) < 0; })[0] || null;
    return { label: label, values: numeric.slice(0, 4), rows: rows.slice(0, MAX_BARS) };
  };

  ChartPlugin.prototype.canHandleResults = function () { return !!this.spec(); };

  ChartPlugin.prototype.short = function (term) {
    if (!term) { return ""; }
    if (term.type !== "uri") { return term.value; }
    var prefixes = this.yasr.getPrefixes ? this.yasr.getPrefixes() : {};
    for (var p in prefixes) {
      if (prefixes[p] && term.value.indexOf(prefixes[p]) === 0) { return p + ":" + term.value.substring(prefixes[p].length); }
    }
    return term.value.replace(/^.*[\/#]/, "") || term.value;
  };

  ChartPlugin.prototype.draw = function () {
    var spec = this.spec();
    if (!spec) { return; }
    var self = this;
    var node = document.createElement("div");
    node.className = "sparql-chart";
    this.yasr.resultsEl.appendChild(node);
    var categories = spec.rows.map(function (row, i) { return spec.label ? self.short(row[spec.label]) : String(i + 1); });
    this.chart = window.echarts.init(node, null, { renderer: "canvas" });
    this.chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", valueFormatter: function (v) { return v == null ? "–" : number.format(v); } },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 80, right: 20, top: 20, bottom: 110 },
      xAxis: { type: "category", data: categories, axisLabel: { rotate: 40, width: 140, overflow: "truncate" } },
      yAxis: { type: "value", axisLabel: { formatter: function (v) { return number.format(v); } } },
      series: spec.values.map(function (v) {
        return { name: v, type: "bar", data: spec.rows.map(function (row) { return row[v] ? parseFloat(row[v].value) : null; }) };
      })
    });
    node.setAttribute("data-rendered", "true");
    node.setAttribute("data-bars", String(categories.length));
  };

  ChartPlugin.prototype.getIcon = function () {
    var icon = document.createElement("span");
    icon.className = "sparql-chart-icon";
    icon.textContent = "\u2587";
    return icon;
  };

  ChartPlugin.prototype.destroy = function () {
    if (this.chart) { this.chart.dispose(); this.chart = null; }
  };

  window.Yasgui.Yasr.registerPlugin("chart", ChartPlugin);
})();
