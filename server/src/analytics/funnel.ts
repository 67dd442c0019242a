/**
 * Funnel counting, pure: how many persons reached each step, in order, with every step within
 * `windowMs` of the step-1 event that started the sequence. Input rows are one person's events at a
 * time, in time order. For each step k the latest start of a sequence that has reached k is kept (a
 * later start leaves more of the window); one event advances at most one step.
 */

export interface FunnelRow {
  personId: string;
  name: string;
  /** ms since the epoch */
  at: number;
}

export function countFunnel(rows: Iterable<FunnelRow>, steps: string[], windowMs: number): number[] {
  const reached = steps.map(() => 0);
  const stepsOf = new Map<string, number[]>();
  steps.forEach((s, i) => {
    stepsOf.set(s, [i, ...(stepsOf.get(s) ?? [])]); // descending: later steps first
  });
  let person: string | undefined;
  let best: (number | undefined)[] = [];
  const finish = () => {
    let k = -1;
    for (let i = 0; i < best.length; i++) if (best[i] !== undefined) k = i;
    for (let i = 0; i <= k; i++) reached[i] = (reached[i] ?? 0) + 1;
  };
  for (const r of rows) {
    if (r.personId !== person) {
      if (person !== undefined) finish();
      person = r.personId;
      best = steps.map(() => undefined);
    }
    for (const i of stepsOf.get(r.name) ?? []) {
      if (i === 0) {
        best[0] = r.at;
        break;
      }
      const start = best[i - 1];
      if (start !== undefined && r.at - start <= windowMs) {
        const cur = best[i];
        best[i] = cur === undefined ? start : Math.max(cur, start);
        break;
      }
    }
  }
  if (person !== undefined) finish();
  return reached;
}
