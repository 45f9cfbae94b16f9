// Page behaviour without inline scripts (CSP): confirm dialogs, auto-submit selects, charts.
document.addEventListener("click", function (event) {
  const el = event.target.closest("[data-confirm]");
  if (el && !window.confirm(el.getAttribute("data-confirm"))) { event.preventDefault(); }
});
document.addEventListener("change", function (event) {
  const el = event.target.closest("[data-autosubmit]");
  if (el && el.form) { el.form.requestSubmit(); }
});
// Charts: <div class="chart" data-echarts='{"xAxis":...}'></div> or data-echarts-src="#json-id"
function renderCharts(root) {
  if (!window.echarts) { return; }
  (root || document).querySelectorAll("[data-echarts],[data-echarts-src]").forEach(function (el) {
    if (el.dataset.rendered) { return; }
    let option;
    if (el.dataset.echartsSrc) {
      const src = document.querySelector(el.dataset.echartsSrc);
      option = src ? JSON.parse(src.textContent) : null;
    } else { option = JSON.parse(el.dataset.echarts); }
    if (!option) { return; }
    const chart = window.echarts.init(el);
    chart.setOption(option);
    el.dataset.rendered = "1";
    window.addEventListener("resize", function () { chart.resize(); });
    if (option.drilldown) {
      chart.on("click", function (params) {
        const url = option.drilldown[params.name] || (params.data && params.data.url);
        if (url) { window.location.href = url; }
      });
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { renderCharts(document); });
document.body && document.body.addEventListener("htmx:afterSwap", function (e) { renderCharts(e.target); });
