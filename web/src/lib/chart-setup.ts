/**
 * Chart.js, tree-shaken: only the bar and line charts with category and linear axes, tooltips and
 * the legend are registered (`chart.js/auto` would pull every controller). Imported dynamically by
 * `components/ChartFigure.vue`, so it lands in its own chunk, never in the initial route's.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

export { Chart };
