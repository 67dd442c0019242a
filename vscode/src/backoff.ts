/** Restart delays of the agent process: 1, 2, 4, 8, 16, then 30 s for every later attempt. */
export const MAX_RESTART_DELAY_MS = 30_000;

/** Delay before restart number `attempt` (1-based, counting consecutive crashes). */
export function restartDelayMs(attempt: number): number {
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(MAX_RESTART_DELAY_MS, 1000 * 2 ** Math.min(n - 1, 15));
}
