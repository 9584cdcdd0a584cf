// uPlot charts from JSON data blocks (<script type="application/json">, written by the server): one slot
// per label (a month, a purchase). uPlot sizes its elements through the CSSOM, which the site's CSP
// (style-src 'self') allows; a style attribute or element would not be.
"use strict";

const euro = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" });
const COLOURS = ["#1f6f5c", "#d08a2e", "#5b6cc2"];
const HEIGHT = 260;

function chartOptions(data, width) {
  const bars = data.kind === "bars";
  const count = data.labels.length;
  const every = Math.max(1, Math.ceil(count / Math.max(1, Math.floor(width / 90))));
  const label = (i) => (Number.isInteger(i) && i >= 0 && i < count ? data.labels[i] : "");
  return {
    width: width,
    height: HEIGHT,
    scales: {
      x: { time: false, range: () => [-0.5, count - 0.5] },
      y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] },
    },
    axes: [
      {
        splits: () => data.labels.map((_, i) => i).filter((i) => i % every === 0),
        values: (u, splits) => splits.map(label),
      },
      { values: (u, splits) => splits.map((v) => euro.format(v)), size: 90 },
    ],
    series: [
      { label: "Période", value: (u, i) => label(i) },
      ...data.series.map((serie, index) => ({
        label: serie.label,
        stroke: COLOURS[index % COLOURS.length],
        fill: bars ? COLOURS[index % COLOURS.length] + "cc" : undefined,
        width: bars ? 0 : 2,
        points: { show: !bars || count === 1, size: 7 },
        paths: bars
          ? uPlot.paths.bars({ size: [0.35, 60], align: index === 0 ? -1 : 1 })
          : uPlot.paths.stepped({ align: 1 }),
        value: (u, v) => (v == null ? "—" : euro.format(v)),
      })),
    ],
  };
}

function drawChart(holder) {
  const source = document.getElementById(holder.dataset.chart);
  if (!source || typeof uPlot === "undefined") return;
  const data = JSON.parse(source.textContent);
  if (!data.labels.length) { holder.textContent = "Aucune donnée pour l'instant."; return; }
  const columns = [data.labels.map((_, i) => i), ...data.series.map((serie) => serie.values)];
  const plot = new uPlot(chartOptions(data, holder.clientWidth || 320), columns, holder);
  window.addEventListener("resize", () => plot.setSize({ width: holder.clientWidth || 320, height: HEIGHT }));
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-chart]").forEach(drawChart);
});
