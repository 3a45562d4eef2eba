// The search box of every page: suggestions from /api/suggest while typing, keyboard navigation
// (ArrowDown/ArrowUp move, Enter opens the selected suggestion or searches, Escape closes).
// Data is written with textContent only: a label like "<script>" stays text.
"use strict";
(function () {
  var input = document.getElementById("site-search-input");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list) { return; }
  var form = input.form;
  var items = [];
  var active = -1;
  var timer = null;
  var sequence = 0;
  var controller = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function select(index) {
    var options = list.querySelectorAll("li");
    options.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0 && options[index]) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(suggestions) {
    items = suggestions;
    list.replaceChildren();
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "site-search-option-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var a = document.createElement("a");
      a.href = s.page;
      a.tabIndex = -1;
      var label = document.createElement("span");
      label.className = "suggestion-label";
      label.textContent = s.label;
      var kind = document.createElement("small");
      kind.className = "suggestion-kind";
      kind.textContent = " " + s.kindLabel;
      a.appendChild(label);
      a.appendChild(kind);
      if (s.matched) {
        var matched = document.createElement("small");
        matched.className = "suggestion-matched";
        matched.textContent = " (" + s.matched + ")";
        a.appendChild(matched);
      }
      li.appendChild(a);
      li.addEventListener("mousedown", function (event) { event.preventDefault(); });
      list.appendChild(li);
    });
    active = -1;
    if (suggestions.length) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    } else {
      close();
    }
  }

  function fetchSuggestions() {
    var text = input.value.trim();
    if (!text) { render([]); return; }
    var mine = ++sequence;
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch("/api/suggest?limit=8&q=" + encodeURIComponent(text), {
      headers: { "Accept": "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.ok ? response.json() : { suggestions: [] };
    }).then(function (body) {
      if (mine === sequence) { render(body.suggestions || []); }
    }).catch(function () { /* aborted or offline: keep what is shown */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, 120);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown") {
      if (list.hidden && items.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      if (items.length) { select((active + 1) % items.length); }
      event.preventDefault();
    } else if (event.key === "ArrowUp") {
      if (items.length) { select(active <= 0 ? items.length - 1 : active - 1); }
      event.preventDefault();
    } else if (event.key === "Enter") {
      if (!list.hidden && active >= 0 && items[active]) {
        event.preventDefault();
        window.location.assign(items[active].page);
      }
    } else if (event.key === "Escape") {
      close();
    }
  });

  input.addEventListener("blur", function () { setTimeout(close, 150); });
  input.addEventListener("focus", function () { if (items.length && input.value.trim()) { list.hidden = false; } });
  if (form) { form.addEventListener("submit", function () { close(); }); }
})();
