// The who-funds-whom sankey: funders -> instruments -> recipients. Clicking a band or a node lists its
// flows with amounts and source quotes below the chart. Data comes from the JSON block the server
// writes; every text from the data is inserted with textContent, and tooltips are drawn on the canvas.
"use strict";
(function () {
  var form = document.getElementById("flows-filters");
  if (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }
  var holder = document.getElementById("sankey-data");
  var node = document.getElementById("sankey");
  if (!holder || !node || !window.echarts) { return; }
  var data = JSON.parse(holder.textContent);
  var texts = JSON.parse(document.getElementById("sankey-texts").textContent);
  var details = document.getElementById("edge-details");
  var lang = document.documentElement.lang === "en" ? "en-GB" : "nl-BE";
  var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  var byName = {};
  data.nodes.forEach(function (n) { byName[n.name] = n; });
  var colours = ["#0b5cad", "#e08a00", "#2e8b57"];

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }

  function link(href, text) {
    var a = el("a", null, text);
    if (href) { a.href = href; }
    return a;
  }

  function showFlows(title, ids) {
    details.replaceChildren();
    details.appendChild(el("h2", null, title));
    ids.forEach(function (id) {
      var flow = data.flows[id];
      var item = el("div", "flow-item");
      var head = el("p");
      head.appendChild(link(flow.page, flow.year || "–"));
      head.appendChild(document.createTextNode(" · "));
      if (flow.funder) { head.appendChild(link(flow.funder.page, flow.funder.label)); }
      head.appendChild(document.createTextNode(" → "));
      if (flow.instrument) {
        head.appendChild(link(flow.instrument.page, flow.instrument.label));
        head.appendChild(document.createTextNode(" → "));
      }
      if (flow.recipient) { head.appendChild(link(flow.recipient.page, flow.recipient.label)); }
      head.appendChild(document.createTextNode(": "));
      head.appendChild(el("strong", "amount", flow.amountText));
      item.appendChild(head);
      flow.sources.forEach(function (s) {
        var figure = el("figure", "excerpt");
        figure.appendChild(el("blockquote", "quote", s.quote));
        var caption = el("figcaption");
        caption.appendChild(link(s.page, s.document + ", " + texts.lines + " " + s.lines));
        figure.appendChild(caption);
        item.appendChild(figure);
      });
      details.appendChild(item);
    });
    details.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  var chart = window.echarts.init(node, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    tooltip: {
      trigger: "item", renderMode: "richText",
      formatter: function (p) {
        if (p.dataType === "edge") {
          return byName[p.data.source].label + " → " + byName[p.data.target].label + "\n" + p.data.amount;
        }
        return byName[p.name] ? byName[p.name].label : p.name;
      }
    },
    series: [{
      type: "sankey",
      left: 10, right: 250, top: 10, bottom: 10,
      nodeGap: 10, nodeWidth: 14, draggable: false,
      emphasis: { focus: "adjacency" },
      lineStyle: { color: "gradient", opacity: 0.35, curveness: 0.5 },
      label: {
        formatter: function (p) { var n = byName[p.name]; return n ? n.label : p.name; },
        overflow: "truncate", width: 240
      },
      data: data.nodes.map(function (n) {
        return { name: n.name, depth: n.column, itemStyle: { color: colours[n.column] } };
      }),
      links: data.links.map(function (l) {
        return { source: l.source, target: l.target, value: l.value, amount: l.amount, flows: l.flows };
      })
    }]
  });
  chart.on("click", function (p) {
    if (p.dataType === "edge") {
      showFlows(byName[p.data.source].label + " → " + byName[p.data.target].label + ": " + p.data.amount,
                p.data.flows);
    } else if (p.dataType === "node" && byName[p.name]) {
      showFlows(byName[p.name].label, byName[p.name].flows);
    }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  node.setAttribute("data-rendered", "true");
  node.setAttribute("data-links", String(data.links.length));
})();
