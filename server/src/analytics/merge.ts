/**
 * Who survives when two persons turn out to be one (identify, alias). Pure. Rules, as in the original
 * Loom's PostHog-like model: an identified person wins over an anonymous one; of two identified
 * persons the older wins (created first, then the smaller id); of two anonymous ones, `preferred`
 * (the person of the id being identified, or alias's `distinct_id`). Properties: the loser's fill in
 * what the winner lacks, then `$set` overwrites and `$set_once` fills what is still missing.
 */

export interface PersonRow {
  id: string;
  identified: boolean;
  createdAt: string;
  properties: Record<string, unknown>;
}

export function pickWinner(
  a: PersonRow,
  b: PersonRow,
  preferred: PersonRow,
): [winner: PersonRow, loser: PersonRow] {
  if (a.identified !== b.identified) return a.identified ? [a, b] : [b, a];
  if (a.identified) {
    const older = a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.id < b.id);
    return older ? [a, b] : [b, a];
  }
  return preferred.id === a.id ? [a, b] : [b, a];
}

export function mergeProperties(
  winner: Record<string, unknown>,
  loser: Record<string, unknown> | undefined,
  set: Record<string, unknown> | undefined,
  setOnce: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(loser ?? {}), ...winner, ...(set ?? {}) };
  for (const [k, v] of Object.entries(setOnce ?? {})) if (!(k in out)) out[k] = v;
  return out;
}
