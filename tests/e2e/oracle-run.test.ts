/** The `oracle` tool asks a second model through the session's LLM client, with `agent.oracle_model`. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { loom } from "../cli/_harness.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { sampleSandbox } from "./helpers.ts";

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({
    script: {
      turns: [
        {
          text: "Let me get a second opinion.",
          toolCalls: [
            { name: "oracle", input: { question: "Is a loop or reduce clearer?", files: ["src/stats.js"] } },
          ],
        },
        { text: "The oracle says: reduce reads better here." },
        { text: "I'll keep the loop; the oracle prefers reduce." },
      ],
    },
  });
});
afterAll(() => upstream.stop());

test("loom run: the model calls oracle, which asks the configured oracle model with the attached file", async () => {
  const sb = sampleSandbox();
  try {
    const r = await loom(sb, ["run", "--json", "--model", "claude-sonnet-4-6", "should sum use reduce?"], {
      env: {
        ANTHROPIC_BASE_URL: upstream.url,
        ANTHROPIC_API_KEY: "k",
        LOOM_AGENT__ORACLE_MODEL: "claude-opus-4-1",
      },
    });
    expect(r.code).toBe(0);
    const [main, oracle, last] = upstream.requests;
    expect(upstream.requests).toHaveLength(3);
    expect((main!.body as { model: string }).model).toBe("claude-sonnet-4-6");
    const oracleBody = JSON.stringify(oracle!.body);
    expect((oracle!.body as { model: string }).model).toBe("claude-opus-4-1");
    expect(oracleBody).toContain("Is a loop or reduce clearer?");
    expect(oracleBody).toContain("Arithmetic mean");
    expect(JSON.stringify(last?.body)).toContain("reduce reads better here");
  } finally {
    sb.cleanup();
  }
});
