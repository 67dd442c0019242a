/**
 * Google Programmable Search Engine (Custom Search JSON API) backend:
 * GET {baseUrl}?key=…&cx=…&q=…&num=… → { items: [{ title, link, snippet }] }.
 */
import { LoomError } from "@loom/runtime/errors";
import type { Secret } from "@loom/runtime/secret";
import type { SearchBackend, SearchHit } from "./backend.ts";

export const GOOGLE_CSE_BASE_URL = "https://www.googleapis.com/customsearch/v1";

export interface GoogleCseOptions {
  apiKey: Secret;
  cx: string;
  /** Overridable for tests and proxies. */
  baseUrl?: string;
  fetch?: typeof fetch;
}

interface CseResponse {
  items?: { title?: string; link?: string; snippet?: string }[];
  error?: { code?: number; message?: string };
}

/**
 * @example
 * const backend = createGoogleCseBackend({ apiKey: new Secret(key), cx: "0123abc" });
 * await backend.search("bun workers", { count: 5, signal });
 */
export function createGoogleCseBackend(opts: GoogleCseOptions): SearchBackend {
  const base = opts.baseUrl ?? GOOGLE_CSE_BASE_URL;
  const doFetch = opts.fetch ?? fetch;
  return {
    name: "google-cse",
    host: new URL(base).hostname,
    async search(query, { count, signal }): Promise<SearchHit[]> {
      const url = new URL(base);
      url.searchParams.set("key", opts.apiKey.expose());
      url.searchParams.set("cx", opts.cx);
      url.searchParams.set("q", query);
      url.searchParams.set("num", String(Math.min(Math.max(count, 1), 10)));
      let res: Response;
      try {
        res = await doFetch(url, { signal, headers: { accept: "application/json" } });
      } catch (e) {
        if (signal.aborted) throw new LoomError("TOOL_CANCELLED", "the search was cancelled");
        throw new LoomError("TOOL_FAILED", `Google search unreachable: ${(e as Error).message}`);
      }
      const body = (await res.json().catch(() => ({}))) as CseResponse;
      if (!res.ok) {
        const detail = body.error?.message ?? res.statusText;
        if (res.status === 429) throw new LoomError("RATE_LIMITED", `Google search rate limit: ${detail}`);
        throw new LoomError("TOOL_FAILED", `Google search failed (HTTP ${res.status}): ${detail}`);
      }
      return (body.items ?? []).map((i) => ({
        title: i.title ?? "",
        url: i.link ?? "",
        snippet: i.snippet ?? "",
      }));
    },
  };
}
