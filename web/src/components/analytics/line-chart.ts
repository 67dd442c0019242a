/**
 * The one place chart.js is imported: only the pieces a line chart needs (tree-shaken), loaded by
 * `TrendChart.vue` with a dynamic import so it lands in the analytics page's chunk, never the entry.
 */
import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

/** Distinct at 3:1 against both themes' backgrounds. */
export const PALETTE = [
  "#0969da",
  "#cf222e",
  "#1a7f37",
  "#8250df",
  "#bc4c00",
  "#1b7c83",
  "#bf3989",
  "#6e7781",
  "#9a6700",
  "#0550ae",
  "#57606a",
];

export interface LineSeries {
  label: string;
  values: number[];
}

export function renderLineChart(
  ctx: CanvasRenderingContext2D,
  labels: string[],
  series: LineSeries[],
): Chart {
  const css = getComputedStyle(document.documentElement);
  const fg = css.getPropertyValue("--fg").trim() || "#1f2328";
  const grid = css.getPropertyValue("--border").trim() || "#d0d7de";
  return new Chart(ctx, {
    type: "line",
    data: {
      labels,
      datasets: series.map((s, i) => ({
        label: s.label,
        data: s.values,
        borderColor: PALETTE[i % PALETTE.length],
        backgroundColor: PALETTE[i % PALETTE.length],
        tension: 0,
        pointRadius: 2,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ticks: { color: fg, maxRotation: 0, autoSkip: true }, grid: { color: grid } },
        y: { beginAtZero: true, ticks: { color: fg, precision: 0 }, grid: { color: grid } },
      },
      plugins: { legend: { labels: { color: fg } } },
    },
  });
}
