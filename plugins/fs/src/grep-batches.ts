/**
 * Streams files from the walk into grep batches: a batch goes to the worker pool as soon as it is full,
 * so searching overlaps walking. Small searches (one partial batch) run on the calling thread instead.
 * Hits come back in file order; once `limit` hits are in, queued batches are dropped.
 */
import { LoomError } from "@loom/runtime/errors";
import { dropQueued, runGrepJob } from "./grep-pool.ts";
import { type GrepHit, type GrepSpec, searchFiles } from "./grep-search.ts";

export const BATCH_FILES = 1000;

export class BatchSearch {
  readonly rels: string[] = [];
  private readonly abss: string[] = [];
  private readonly results: Promise<GrepHit[] | undefined>[] = [];
  private dispatched = 0;
  private found = 0;

  constructor(
    private readonly spec: GrepSpec,
    private readonly limit: number,
  ) {}

  /** True once enough hits are in: the walk may stop. */
  get full(): boolean {
    return this.found >= this.limit;
  }

  add(rel: string, abs: string): void {
    this.rels.push(rel);
    this.abss.push(abs);
    if (this.abss.length - this.dispatched >= BATCH_FILES) this.dispatch();
  }

  async finish(signal?: AbortSignal): Promise<GrepHit[]> {
    if (this.results.length === 0) return searchFiles(this.abss, this.spec, this.limit);
    if (this.dispatched < this.abss.length && !this.full) this.dispatch();
    const onAbort = () => this.cancel();
    signal?.addEventListener("abort", onAbort, { once: true });
    const batches = await Promise.all(this.results).finally(() =>
      signal?.removeEventListener("abort", onAbort),
    );
    if (signal?.aborted) throw new LoomError("TOOL_CANCELLED", "the call was cancelled");
    const hits: GrepHit[] = [];
    for (const b of batches) {
      if (b === undefined) break; // skipped: every later batch was skipped too
      hits.push(...b);
      if (hits.length >= this.limit) break;
    }
    return hits.slice(0, this.limit);
  }

  private dispatch(): void {
    const offset = this.dispatched;
    const files = this.abss.slice(offset);
    this.dispatched = this.abss.length;
    const result = runGrepJob({ files, spec: this.spec, limit: this.limit }, this).then((r) => {
      if (r.skipped) return undefined;
      if (r.error !== undefined) throw new LoomError("TOOL_FAILED", r.error);
      const hits = (r.hits ?? []).map(([f, line, text]): GrepHit => [f + offset, line, text]);
      this.found += hits.length;
      if (this.full) dropQueued(this);
      return hits;
    });
    this.results.push(result);
  }

  cancel(): void {
    dropQueued(this);
  }
}
