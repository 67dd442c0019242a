import { describe, expect, test } from "bun:test";
import { forEachBackend } from "../_backends.ts";
import { hashToken } from "./tokens.ts";

forEachBackend(({ kind, testApp }) => {
  describe(`token auth [${kind}]`, () => {
    test("tokens are lt_<random>, stored only as sha256", async () => {
      const h = await testApp();
      const made = await h.backend.tokens.create({ name: "ci" });
      expect(made.token).toMatch(/^lt_[A-Za-z0-9_-]{43}$/);
      const rows = await h.rows("SELECT * FROM tokens");
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(made.token);
      expect(dump).toContain(hashToken(made.token));
    });

    test("/api/auth/me answers the principal for a bearer or x-api-key token", async () => {
      const h = await testApp();
      const me = await h.call("GET", "/api/auth/me", { token: h.alice });
      expect(me.status).toBe(200);
      expect(await me.json()).toMatchObject({ userId: "alice", via: "token", name: "alice" });
      const viaKey = await h.call("GET", "/api/auth/me", { headers: { "x-api-key": h.bob } });
      expect(((await viaKey.json()) as { userId: string }).userId).toBe("bob");
    });

    test("401 JSON for missing, malformed and revoked tokens", async () => {
      const h = await testApp();
      const none = await h.call("GET", "/api/auth/me");
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe("UNAUTHORIZED");
      expect((await h.call("GET", "/api/threads", { token: "lt_nope" })).status).toBe(401);
      expect((await h.call("GET", "/api/threads", { token: "sk-not-ours" })).status).toBe(401);

      const id = (await h.backend.tokens.list()).find((t) => t.name === "alice")!.id;
      expect(await h.backend.tokens.revoke(id)).toBe(true);
      const revoked = await h.call("GET", "/api/auth/me", { token: h.alice });
      expect(revoked.status).toBe(401);
      expect(((await revoked.json()) as { error: { message: string } }).error.message).toContain("revoked");
    });

    test("every /api and /proxy route demands a principal", async () => {
      const h = await testApp();
      const routes: [string, string][] = [
        ["GET", "/api/threads"],
        ["GET", "/api/threads/search?q=x"],
        ["PUT", "/api/threads/T-00000000-0000-0000-0000-000000000000"],
        ["POST", "/proxy/anthropic/complete"],
        ["POST", "/proxy/anthropic/stream"],
        ["POST", "/proxy/anthropic/v1/messages"],
        ["POST", "/proxy/openai/v1/chat/completions"],
      ];
      for (const [m, p] of routes) {
        const res = await h.call(m, p, m === "GET" ? {} : { body: {} });
        expect(`${m} ${p} ${res.status}`).toBe(`${m} ${p} 401`);
      }
    });
  });
});
