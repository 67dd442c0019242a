/**
 * For tests: real metrics that also say when something was recorded, so a test waits for the event
 * (an after-response hook, a stream's end) instead of sleeping and hoping it came.
 */
import { createMetrics, type Metrics } from "./ops/metrics.ts";

export function metricsProbe() {
  const metrics: Metrics = createMetrics();
  let requests = 0;
  let streamsEnded = 0;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const w of waiters) w();
  };
  const until = (done: () => boolean) =>
    new Promise<void>((resolve) => {
      if (done()) return resolve();
      const w = () => {
        if (!done()) return;
        waiters.delete(w);
        resolve();
      };
      waiters.add(w);
    });
  const observeRequest = metrics.observeRequest;
  const streamEnded = metrics.streamEnded;
  metrics.observeRequest = (labels, seconds) => {
    observeRequest(labels, seconds);
    requests++;
    notify();
  };
  metrics.streamEnded = () => {
    streamEnded();
    streamsEnded++;
    notify();
  };
  return {
    metrics,
    /** Resolves once `n` requests in all have been observed (their after-response hooks ran). */
    requestsObserved: (n: number) => until(() => requests >= n),
    /** Resolves once `n` proxy streams in all have ended. */
    streamsEnded: (n: number) => until(() => streamsEnded >= n),
  };
}
