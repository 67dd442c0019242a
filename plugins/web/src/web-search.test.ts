import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Secret } from "@loom/runtime/secret";
import type { ToolContext } from "@loom/runtime/tool";
import { createGoogleCseBackend } from "./google-cse.ts";
import { createWebSearchTool } from "./web-search.ts";

/** A local server speaking the Custom Search JSON API format. */
let server: ReturnType<typeof Bun.serve>;
const seen: URL[] = [];
beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const url = new URL(req.url);
      seen.push(url);
      if (url.searchParams.get("key") !== "k-123") {
        return Response.json(
          {
            error: {
              code: 400,
              message: "API key not valid. Please pass a valid API key.",
              status: "INVALID_ARGUMENT",
            },
          },
          { status: 400 },
        );
      }
      const q = url.searchParams.get("q") ?? "";
      if (q === "busy")
        return Response.json({ error: { code: 429, message: "Quota exceeded" } }, { status: 429 });
      if (q === "nothing")
        return Response.json({ kind: "customsearch#search", searchInformation: { totalResults: "0" } });
      const num = Number(url.searchParams.get("num"));
      const items = Array.from({ length: num }, (_, i) => ({
        kind: "customsearch#result",
        title: `${q} result ${i + 1}`,
        link: `https://example.com/${i + 1}`,
        displayLink: "example.com",
        snippet: `about ${q}`,
      }));
      return Response.json({ kind: "customsearch#search", items });
    },
  });
});
afterAll(() => server.stop(true));

const base = () => `http://127.0.0.1:${server.port}/customsearch/v1`;
const ctx = (extra: Partial<ToolContext> = {}): ToolContext => ({
  workspaceRoot: "/tmp",
  signal: new AbortController().signal,
  callId: "w",
  ...extra,
});
const env = (over: Record<string, string> = {}) => ({
  GOOGLE_CSE_API_KEY: "k-123",
  GOOGLE_CSE_ID: "cx-9",
  GOOGLE_CSE_BASE_URL: base(),
  ...over,
});

describe("web_search with the Google CSE backend", () => {
  test("returns results in the documented shape and sends key, cx, q, num", async () => {
    const r = await createWebSearchTool(undefined, env()).invoke(
      { query: "bun workers", max_results: 2 },
      ctx(),
    );
    expect(r).toEqual({
      output: {
        backend: "google-cse",
        results: [
          { title: "bun workers result 1", url: "https://example.com/1", snippet: "about bun workers" },
          { title: "bun workers result 2", url: "https://example.com/2", snippet: "about bun workers" },
        ],
      },
    });
    const last = seen.at(-1)!;
    expect(last.pathname).toBe("/customsearch/v1");
    expect(Object.fromEntries(last.searchParams)).toEqual({
      key: "k-123",
      cx: "cx-9",
      q: "bun workers",
      num: "2",
    });
  });

  test("no items is an empty list", async () => {
    const r = await createWebSearchTool(undefined, env()).invoke({ query: "nothing" }, ctx());
    expect(r.output).toEqual({ backend: "google-cse", results: [] });
  });

  test("missing credentials name the variables", async () => {
    const r = await createWebSearchTool(undefined, {}).invoke({ query: "x" }, ctx());
    expect(r.isError).toBe(true);
    expect(r.output).toMatchObject({ code: "MISSING_CREDENTIALS" });
    expect((r.output as { message: string }).message).toContain("GOOGLE_CSE_API_KEY");
    expect((r.output as { message: string }).message).toContain("GOOGLE_CSE_ID");
  });

  test("API errors and rate limits become error results without the key", async () => {
    const bad = await createWebSearchTool(undefined, env({ GOOGLE_CSE_API_KEY: "wrong" })).invoke(
      { query: "x" },
      ctx(),
    );
    expect(bad.output).toMatchObject({ code: "TOOL_FAILED" });
    expect((bad.output as { message: string }).message).toContain("API key not valid");
    expect(JSON.stringify(bad.output)).not.toContain("wrong");
    const busy = await createWebSearchTool(undefined, env()).invoke({ query: "busy" }, ctx());
    expect(busy.output).toMatchObject({ code: "RATE_LIMITED" });
  });

  test("an explicit backend; the network and env grants are enforced", async () => {
    const backend = createGoogleCseBackend({ apiKey: new Secret("k-123"), cx: "c", baseUrl: base() });
    expect(String(new Secret("k-123"))).toBe("[redacted]");
    const denied = { read: false, write: false, exec: false, network: ["www.googleapis.com"], env: [] };
    const r = await createWebSearchTool(backend).invoke({ query: "x" }, ctx({ capabilities: denied }));
    expect(r.output).toMatchObject({ code: "PERMISSION_DENIED" });
    const allowed = { ...denied, network: ["127.0.0.1"] };
    const ok = await createWebSearchTool(backend).invoke(
      { query: "x", max_results: 1 },
      ctx({ capabilities: allowed }),
    );
    expect((ok.output as { results: unknown[] }).results).toHaveLength(1);
    const noEnv = await createWebSearchTool(undefined, env()).invoke(
      { query: "x" },
      ctx({ capabilities: allowed }),
    );
    expect(noEnv.output).toMatchObject({ code: "MISSING_CREDENTIALS" });
  });
});
