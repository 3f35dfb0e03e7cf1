// Generic chart binding: every element with data-chart-options holds an ECharts option object
// built on the server (charts.py); elements with data-chart-url refresh from that URL.
// An element with data-chart-map="NAME" and data-chart-map-url draws on a GeoJSON map: the
// outlines are fetched once per page and registered under NAME before the option is set; if
// they cannot be fetched, data-chart-fallback-options is drawn instead and the element named by
// data-chart-map-note is shown (ADR 0243).
(function () {
  "use strict";
  var maps = {};
  function withMap(element, draw, fallback) {
    var name = element.getAttribute("data-chart-map");
    var url = element.getAttribute("data-chart-map-url");
    if (!name || !url || window.echarts.getMap(name)) { draw(); return; }
    maps[name] = maps[name] || fetch(url)
      .then(function (r) { if (!r.ok) { throw new Error(url + ": " + r.status); } return r.json(); })
      .then(function (geo) { window.echarts.registerMap(name, geo); });
    maps[name].then(draw, fallback);
  }
  function render(element) {
    if (!window.echarts) { return; }
    withMap(element, function () { draw(element); }, function () { drawFallback(element); });
  }
  function drawFallback(element) {
    var note = document.getElementById(element.getAttribute("data-chart-map-note") || "");
    if (note) { note.classList.remove("d-none"); }
    var raw = element.getAttribute("data-chart-fallback-options");
    if (!raw) { return; }
    var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
    chart.setOption(JSON.parse(raw), true);
  }
  function draw(element) {
    var chart = window.echarts.getInstanceByDom(element) || window.echarts.init(element);
    var raw = element.getAttribute("data-chart-options");
    if (raw) { chart.setOption(JSON.parse(raw), true); }
    var url = element.getAttribute("data-chart-url");
    var every = parseInt(element.getAttribute("data-chart-refresh-s") || "0", 10);
    if (url && every > 0 && !element.dataset.chartTimer) {
      var refresh = function () {
        fetch(url, { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (option) { if (option) { chart.setOption(option, true); } });
      };
      if (!raw) { refresh(); }  // nothing drawn yet: fetch at once, then every few seconds
      element.dataset.chartTimer = String(setInterval(refresh, every * 1000));
    }
  }
  function renderAll(root) {
    (root || document).querySelectorAll("[data-chart-options],[data-chart-url]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { renderAll(event.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart-options],[data-chart-url]").forEach(function (el) {
      var chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
})();
