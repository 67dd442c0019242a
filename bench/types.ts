/** One measured figure, printed beside its goal and, where one applies, a baseline from the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Human-readable goal, e.g. "<= 3x bun -e 0" or "<= 50 µs". */
  goal: string;
  /** Whether the goal was met. */
  ok: boolean;
  baseline?: { name: string; value: number };
  /** value / baseline.value */
  ratio?: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
