// The SPARQL editor page: YASGUI on this site's endpoint, one tab per example query.
// Configuration comes from data- attributes of #yasgui (the CSP allows no inline script). Every
// YASGUI feature that would contact another site is switched off: the LOV property/class
// autocompleters, prefix.cc, the CORS proxy, the URL shortener, and the endpoint catalogue offers
// only this endpoint. So the browser talks to this site only.
"use strict";
(function () {
  var root = document.getElementById("yasgui");
  if (!root || !window.Yasgui) { return; }
  var Yasgui = window.Yasgui;
  var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
  var baseIri = root.getAttribute("data-base-iri") || "";
  var prefixes = JSON.parse(root.getAttribute("data-prefixes") || "{}");
  var initialQuery = root.getAttribute("data-query") || "";

  // Autocompletion from the bundled prefix list and the query's own variables only.
  Yasgui.Yasqe.defaults.autocompleters = Yasgui.Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "property" && name !== "class";
  });
  Yasgui.Yasqe.defaults.prefixCcApi = null;
  Yasgui.Yasqe.defaults.createShortLink = undefined;

  var yasgui = new Yasgui(root, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; },
      keys: []
    },
    corsProxy: undefined,
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: true,
    autoAddOnInit: false,
    yasr: { prefixes: prefixes, pluginOrder: ["table", "chart", "response"], defaultPlugin: "table" }
  });
  window.fundinggraphYasgui = yasgui;

  // Our data IRIs open the local page (/id/...) instead of the published host.
  function localLinks() {
    if (!baseIri) { return; }
    root.querySelectorAll(".yasr a[href^='" + baseIri.replace(/'/g, "") + "id/']").forEach(function (a) {
      a.setAttribute("href", "/" + a.getAttribute("href").substring(baseIri.length));
      a.removeAttribute("target");
    });
  }
  new MutationObserver(localLinks).observe(root, { childList: true, subtree: true });

  function addTab(name, query, active) {
    return yasgui.addTab(active, { name: name, yasqe: { value: query }, requestConfig: { endpoint: endpoint } });
  }

  function start(examples) {
    var fromUrl = Object.keys(yasgui._tabs || {}).length > 0;
    if (initialQuery) {
      var tab = addTab(document.documentElement.lang === "en" ? "Query" : "Vraag", initialQuery, true);
      tab.query().catch(function () {});
    }
    examples.forEach(function (example, index) {
      addTab(example.name, example.query, !initialQuery && !fromUrl && index === 0);
    });
    if (!initialQuery && !examples.length && !fromUrl) { addTab("Query", "SELECT * WHERE { ?s ?p ?o } LIMIT 10", true); }
    root.setAttribute("data-ready", "true");
  }

  fetch(root.getAttribute("data-examples"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : { examples: [] }; })
    .then(function (body) { start(body.examples || []); })
    .catch(function () { start([]); });
})();
