/** When the maintenance worker may take the write lock for an FTS merge step (maintenance-worker.ts). */

/**
 * Whether a merge step may run now: when the server has not committed since the last look (a quiet
 * moment, so the step does not make a request wait for the lock), or when merging has been put off for
 * `maxDeferMs` (writes without a pause must not leave the index to fragment).
 */
export function mergeDue(serverWrote: boolean, msSinceLastStep: number, maxDeferMs: number): boolean {
  return !serverWrote || msSinceLastStep >= maxDeferMs;
}
