/**
 * Work that may wait a frame, done in slices of at most ~6 ms per task so that scrolling a long
 * thread never blocks the page for long: rows are drawn as plain text at once and their Markdown is
 * rendered here, oldest request first. `enqueue` answers a cancel (a row scrolled away before its turn).
 */
const SLICE_MS = 6;
const jobs = new Set<() => void>();
let scheduled = false;

function pump() {
  scheduled = false;
  const end = performance.now() + SLICE_MS;
  for (const job of jobs) {
    jobs.delete(job);
    job();
    if (performance.now() >= end) break;
  }
  schedule();
}

function schedule() {
  if (scheduled || jobs.size === 0) return;
  scheduled = true;
  setTimeout(pump, 0);
}

export function enqueue(job: () => void): () => void {
  // A fresh wrapper per call, so the same function queued twice runs twice.
  const run = () => job();
  jobs.add(run);
  schedule();
  return () => jobs.delete(run);
}
