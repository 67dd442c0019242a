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

/**
 * A guarantee ("stopped within timeout + 100 ms") holds only if every run met it: the row reports
 * the worst run, named as such, never a median that would hide a slow one.
 */
export function worstCase(
  name: string,
  xs: number[],
  unit: string,
  limit: number,
  baseline?: { name: string; value: number },
): BenchResult {
  if (xs.length === 0) throw new Error(`${name}: no runs`);
  const value = Math.max(...xs);
  const r: BenchResult = {
    name: `${name} (worst of ${xs.length})`,
    value,
    unit,
    goal: `<= ${limit} ${unit}, every run`,
    ok: value <= limit,
  };
  if (baseline) {
    r.baseline = baseline;
    r.ratio = value / baseline.value;
  }
  return r;
}

/**
 * A median beside its baseline's median from the same run, where the goal is a cost added on top
 * of the baseline ("<= direct SDK + 5 ms"): ok when the difference of the medians is at most `within` ms.
 */
export function medianOver(o: {
  name: string;
  xs: number[];
  baseline: { name: string; xs: number[] };
  /** How the goal names the baseline: `<= ${over} + ${within} ms`. */
  over: string;
  within: number;
}): BenchResult {
  const value = median(o.xs);
  const base = median(o.baseline.xs);
  return {
    name: o.name,
    value,
    unit: "ms",
    goal: `<= ${o.over} + ${o.within} ms`,
    ok: value - base <= o.within,
    baseline: { name: o.baseline.name, value: base },
    ratio: value / base,
  };
}
