/** Worker side of the grep pool: searches one batch of files per message. */
import { type GrepHit, type GrepSpec, searchFiles } from "./grep-search.ts";

export interface GrepJob {
  id: number;
  files: string[];
  spec: GrepSpec;
  limit: number;
}

export interface GrepJobResult {
  id: number;
  hits?: GrepHit[];
  error?: string;
  /** Dropped from the queue before it ran. */
  skipped?: boolean;
}

declare const self: Worker;

self.onmessage = (event: MessageEvent<GrepJob>) => {
  const job = event.data;
  let reply: GrepJobResult;
  try {
    reply = { id: job.id, hits: searchFiles(job.files, job.spec, job.limit) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  self.postMessage(reply);
};
