import { describe, expect, test } from "bun:test";
import { forEachBackend } from "./_backends.ts";
import { metricsProbe } from "./_metrics-probe.ts";
import { sampleThread } from "./_test-helpers.ts";

forEachBackend(({ kind, testApp }) => {
  describe(`app edges [${kind}]`, () => {
    test("unknown routes are 404 JSON (other GET paths are the web UI's, web/web-routes.test.ts)", async () => {
      const h = await testApp();
      const res = await h.call("GET", "/api/nope/deeper");
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: "NOT_FOUND", message: "no route for GET /api/nope/deeper" },
      });
      const post = await h.call("POST", "/nope/deeper");
      expect(post.status).toBe(404);
      expect(await post.json()).toEqual({
        error: { code: "NOT_FOUND", message: "no route for POST /nope/deeper" },
      });
    });

    test("malformed JSON is a 400 without a stack trace", async () => {
      const h = await testApp();
      const t = sampleThread();
      const res = await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: "{not json" });
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(text).not.toMatch(/at .*\.ts:\d+/);
      expect(JSON.parse(text).error.code).toBe("INVALID_INPUT");
    });

    test("bodies over the limit are 413", async () => {
      const h = await testApp({ maxBodyBytes: 1024 });
      const t = sampleThread({ messages: [{ role: "user", content: "x".repeat(4096) }] });
      const res = await h.call("PUT", `/api/threads/${t.id}`, { token: h.alice, body: t });
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    });

    test("/health names the database state and configured providers", async () => {
      const fake = {
        provider: "anthropic",
        complete: async () => ({}) as never,
        stream: async function* () {},
      };
      const h = await testApp({ providers: { anthropic: fake } });
      const res = await h.call("GET", "/health");
      expect(await res.json()).toMatchObject({
        status: "ok",
        components: { database: { status: "ok" }, providers: { configured: ["anthropic"] } },
      });
    });

    test("/metrics counts requests by route and status in Prometheus text", async () => {
      const probe = metricsProbe();
      const h = await testApp({ metrics: probe.metrics });
      await h.call("GET", "/api/threads", { token: h.alice });
      await h.call("GET", "/api/threads");
      await probe.requestsObserved(2); // after-response hooks run once the response is out
      const text = await (await h.call("GET", "/metrics")).text();
      expect(text).toContain('loom_http_requests_total{method="GET",route="/api/threads",status="200"} 1');
      expect(text).toContain('loom_http_requests_total{method="GET",route="/api/threads",status="401"} 1');
      expect(text).toContain("# TYPE loom_http_request_duration_seconds histogram");
      expect(text).toContain("loom_proxy_streams_active 0");
    });

    test("the OpenAPI document lists every route, generated from the schemas", async () => {
      const h = await testApp();
      const doc = (await (await h.call("GET", "/api/openapi.json")).json()) as {
        paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>;
      };
      for (const p of [
        "/health",
        "/metrics",
        "/api/auth/me",
        "/api/threads",
        "/api/threads/search",
        "/api/threads/{id}",
        "/api/threads/{id}/visibility",
        "/proxy/{provider}/complete",
        "/proxy/{provider}/stream",
        "/proxy/anthropic/v1/messages",
        "/proxy/openai/v1/chat/completions",
      ]) {
        expect(Object.keys(doc.paths)).toContain(p);
      }
      expect(doc.paths["/api/threads/{id}"]?.put?.operationId).toBe("thread.put");
      expect((doc.paths["/health"]?.get as { security?: unknown[] } | undefined)?.security).toEqual([]);
      expect(JSON.stringify(doc.paths["/api/threads/{id}"]?.put?.requestBody)).toContain("isPrivate");
      const docs = await h.call("GET", "/api/docs");
      expect(docs.status).toBe(200);
      expect(docs.headers.get("content-type")).toContain("text/html");
      // A script-free page: it links the document instead of loading a viewer from a CDN.
      const html = await docs.text();
      expect(html).not.toMatch(/<script/i);
      const href = /href="([^"]*openapi[^"]*)"/.exec(html)?.[1] ?? "";
      expect(new URL(href, "http://localhost/api/docs").pathname).toBe("/api/openapi.json");
      expect((await h.call("GET", href)).status).toBe(200);
    });

    test("the OpenAPI document covers every route the app serves", async () => {
      const h = await testApp();
      const doc = (await (await h.call("GET", "/api/openapi.json")).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const served = h.app.routes
        .filter((r) => !["/api/docs", "/api/openapi.json"].includes(r.path))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`)
        .sort();
      const documented = Object.entries(doc.paths)
        .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`))
        .sort();
      expect(documented).toEqual(served);
    });
  });
});
