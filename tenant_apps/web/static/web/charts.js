// uPlot charts from JSON data blocks (<script type="application/json">, written by the server).
// uPlot sizes its elements through the CSSOM, which the site's CSP (style-src 'self') allows.
"use strict";

const euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const monthFormat = new Intl.DateTimeFormat("fr-FR", { month: "short", year: "2-digit", timeZone: "UTC" });
const dayFormat = new Intl.DateTimeFormat("fr-FR", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" });
const COLOURS = ["#1f6f5c", "#d08a2e", "#5b6cc2"];

function chartOptions(data, width) {
  const bars = data.kind === "bars";
  const dateText = (ts) => (bars ? monthFormat : dayFormat).format(new Date(ts * 1000));
  return {
    width: width,
    height: 260,
    scales: { x: { time: false } },
    axes: [
      { values: (u, splits) => splits.map((ts) => (ts == null ? "" : dateText(ts))), space: 70 },
      { values: (u, splits) => splits.map((v) => euro.format(v)), size: 90 },
    ],
    series: [
      { label: "Date", value: (u, ts) => (ts == null ? "—" : dateText(ts)) },
      ...data.series.map((serie, index) => ({
        label: serie.label,
        stroke: COLOURS[index % COLOURS.length],
        fill: bars ? COLOURS[index % COLOURS.length] + "99" : undefined,
        width: bars ? 0 : 2,
        points: { show: !bars },
        paths: bars ? uPlot.paths.bars({ size: [0.6, 40], align: index === 0 ? -1 : 1 }) : undefined,
        value: (u, v) => (v == null ? "—" : euro.format(v)),
      })),
    ],
  };
}

function drawChart(holder) {
  const source = document.getElementById(holder.dataset.chart);
  if (!source || typeof uPlot === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.x.length) { holder.textContent = "Aucune donnée pour l'instant."; return; }
  const columns = [data.x, ...data.series.map((serie) => serie.values)];
  const plot = new uPlot(chartOptions(data, holder.clientWidth || 320), columns, holder);
  window.addEventListener("resize", () => plot.setSize({ width: holder.clientWidth || 320, height: 260 }));
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach(drawChart);
});
