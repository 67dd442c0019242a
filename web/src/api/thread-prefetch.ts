/**
 * The thread a navigation is about to show, fetched while its route's code loads (the router starts
 * it; the thread view takes it): the two waits overlap instead of following each other.
 */
import { apiGet, type GetResult } from "./client.ts";

type Thread = GetResult<"/api/threads/{id}">;
const pending = new Map<string, Promise<Thread>>();

export function prefetchThread(id: string): void {
  if (pending.has(id)) return;
  const p = apiGet("/api/threads/{id}", { path: { id } });
  // Not taken (navigation cancelled): its failure is nobody's to report.
  p.catch(() => {});
  pending.set(id, p);
}

/** The prefetched answer for `id` (once), else a fresh request. */
export function takeThread(id: string): Promise<Thread> {
  const p = pending.get(id);
  pending.delete(id);
  return p ?? apiGet("/api/threads/{id}", { path: { id } });
}
