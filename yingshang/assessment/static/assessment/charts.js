// site.js renders charts on DOMContentLoaded; ECharts is loaded after it on this page, so render again.
if (typeof renderCharts === "function") { renderCharts(document); }
