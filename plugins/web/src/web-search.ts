/** web_search: searches the web through a pluggable backend (Google Custom Search by default). */

import { defineTool } from "@loom/runtime/define-tool";
import { LoomError } from "@loom/runtime/errors";
import { Secret } from "@loom/runtime/secret";
import type { Tool, ToolContext } from "@loom/runtime/tool";
import { mayReadEnv, requireHost } from "@loom/runtime/tool-capabilities";
import { Type } from "@sinclair/typebox";
import type { SearchBackend } from "./backend.ts";
import { createGoogleCseBackend } from "./google-cse.ts";
import description from "./web-search.txt" with { type: "text" };

export const ENV_KEY = "GOOGLE_CSE_API_KEY";
export const ENV_CX = "GOOGLE_CSE_ID";
/** Optional: another endpoint speaking the Custom Search JSON format. */
export const ENV_BASE_URL = "GOOGLE_CSE_BASE_URL";

export const WebSearchInput = Type.Object(
  {
    query: Type.String({ minLength: 1, description: "Search query" }),
    max_results: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: "Default 5" })),
  },
  { additionalProperties: false },
);

/**
 * The web_search tool. Without a backend, each call builds the Google CSE backend from the
 * environment the call may read (GOOGLE_CSE_API_KEY, GOOGLE_CSE_ID, optional GOOGLE_CSE_BASE_URL).
 *
 * @example
 * createWebSearchTool(createGoogleCseBackend({ apiKey: new Secret(key), cx }));
 */
export function createWebSearchTool(
  backend?: SearchBackend,
  env: Record<string, string | undefined> = process.env,
): Tool {
  return defineTool({
    name: "web_search",
    description,
    input: WebSearchInput,
    async invoke(input, ctx) {
      const b = backend ?? backendFromEnv(ctx, env);
      requireHost(ctx, b.host);
      const results = await b.search(input.query, { count: input.max_results ?? 5, signal: ctx.signal });
      return { output: { backend: b.name, results } };
    },
  });
}

function backendFromEnv(ctx: ToolContext, env: Record<string, string | undefined>): SearchBackend {
  const read = (name: string) => (mayReadEnv(ctx, name) ? env[name] : undefined) || undefined;
  const key = read(ENV_KEY);
  const cx = read(ENV_CX);
  if (key === undefined || cx === undefined) {
    throw new LoomError(
      "MISSING_CREDENTIALS",
      `web_search needs ${ENV_KEY} and ${ENV_CX} (a Google Programmable Search Engine key and engine id)`,
    );
  }
  const baseUrl = read(ENV_BASE_URL);
  return createGoogleCseBackend({ apiKey: new Secret(key), cx, ...(baseUrl ? { baseUrl } : {}) });
}
