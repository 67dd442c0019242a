/**
 * Issue "LLM providers", done-when: `loom run` completes a multi-turn, tool-using exchange against the
 * fixture server through each of the three providers, selected with --provider/--model.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loom } from "../cli/_harness.ts";
import type { Script } from "../fixtures/fake-upstream/script.ts";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { ROOT, sampleSandbox } from "./helpers.ts";

/** Must never reach the log file. */
const SECRET_KEY = "sk-ant-e2e-do-not-log-0123456789";

const script = JSON.parse(readFileSync(join(ROOT, "tests/fixtures/scripts/fix-sum.json"), "utf8")) as Script;

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream({ script });
});
afterAll(() => upstream.stop());

const cases = [
  {
    provider: "anthropic",
    model: "claude-sonnet-4-6",
    env: (u: FakeUpstream) => ({ ANTHROPIC_BASE_URL: u.url, ANTHROPIC_API_KEY: SECRET_KEY }),
  },
  {
    provider: "openai",
    model: "gpt-4.1",
    env: (u: FakeUpstream) => ({ OPENAI_BASE_URL: u.openaiUrl, OPENAI_API_KEY: "test-key" }),
  },
  {
    // OpenAI's Responses API, chosen by a setting.
    provider: "openai_responses",
    model: "gpt-5.1",
    env: (u: FakeUpstream) => ({
      LOOM_PROVIDERS__OPENAI_RESPONSES__TYPE: "openai",
      LOOM_PROVIDERS__OPENAI_RESPONSES__API: "responses",
      LOOM_PROVIDERS__OPENAI_RESPONSES__BASE_URL: u.openaiUrl,
      LOOM_PROVIDERS__OPENAI_RESPONSES__API_KEY: "test-key",
    }),
    wire: "openai",
    path: "/v1/responses",
  },
  {
    // Any OpenAI-compatible server (Ollama, vLLM, llama.cpp…) under a name of its own.
    provider: "local",
    model: "qwen2.5-coder",
    env: (u: FakeUpstream) => ({
      LOOM_PROVIDERS__LOCAL__TYPE: "openai",
      LOOM_PROVIDERS__LOCAL__BASE_URL: u.openaiUrl,
    }),
    wire: "openai",
  },
  {
    // Claude on Vertex AI: the Anthropic plugin with platform = "vertex", under a name of its own.
    provider: "claude_vertex",
    model: "claude-sonnet-4-6",
    env: (u: FakeUpstream) => ({
      LOOM_PROVIDERS__CLAUDE_VERTEX__TYPE: "anthropic",
      LOOM_PROVIDERS__CLAUDE_VERTEX__PLATFORM: "vertex",
      LOOM_PROVIDERS__CLAUDE_VERTEX__PROJECT: "test-project",
      LOOM_PROVIDERS__CLAUDE_VERTEX__LOCATION: "us-east5",
      LOOM_PROVIDERS__CLAUDE_VERTEX__BASE_URL: `${u.url}/v1`,
      LOOM_PROVIDERS__CLAUDE_VERTEX__ACCESS_TOKEN: "test-token",
    }),
    wire: "anthropic",
    path: ":streamRawPredict",
  },
  {
    provider: "vertex",
    model: "gemini-2.5-pro",
    env: (u: FakeUpstream) => ({
      LOOM_PROVIDERS__VERTEX__BASE_URL: u.url,
      LOOM_PROVIDERS__VERTEX__ACCESS_TOKEN: "test-token",
      GOOGLE_CLOUD_PROJECT: "test-project",
      GOOGLE_CLOUD_LOCATION: "us-central1",
    }),
  },
];

describe("loom run through each provider against the fixture server", () => {
  for (const c of cases) {
    test(`${c.provider}: search, read, edit, run, answer`, async () => {
      upstream.setScript(script);
      const seen = upstream.requests.length;
      const sb = sampleSandbox();
      try {
        const r = await loom(
          sb,
          [
            "run",
            "--json",
            "--provider",
            c.provider,
            "--model",
            c.model,
            "--permission-mode",
            "auto",
            "fix the checks",
          ],
          { env: c.env(upstream) },
        );
        expect(r.stderr).not.toContain("    at ");
        expect(r.code).toBe(0);
        const events = r.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { type: string; name?: string });
        const tools = events.filter((e) => e.type === "tool.started").map((e) => e.name);
        expect(tools).toEqual(["grep", "read_file", "edit_file", "bash"]);
        expect(readFileSync(join(sb.workspace, "src/stats.js"), "utf8")).toContain("i < xs.length");
        const requests = upstream.requests.slice(seen);
        const wire = ("wire" in c ? c.wire : undefined) ?? c.provider;
        expect(requests.map((q): string => q.provider)).toEqual([wire, wire, wire, wire]);
        expect(requests.every((q) => q.stream)).toBe(true);
        const path = "path" in c ? c.path : undefined;
        if (path) expect(requests.every((q) => q.path.endsWith(path))).toBe(true);
        // Each tool's result went back to the model in the provider's own format: the last request
        // carries the check's output, the second one the file that read_file returned.
        expect(JSON.stringify(requests[3]?.body)).toContain("all checks pass");
        expect(JSON.stringify(requests[1]?.body)).toContain("Arithmetic mean");
        // The session logged to the state dir, not the screen, and never the key.
        const log = readFileSync(join(sb.env.XDG_STATE_HOME!, "loom/logs/loom.log"), "utf8");
        expect(log).toContain("session.started");
        expect(log).toMatch(/tool\.completed .*tool=edit_file/);
        expect(log).not.toContain(SECRET_KEY);
        expect(r.stderr).not.toContain("tool.completed");
      } finally {
        sb.cleanup();
      }
    });
  }
});

test("the provider and model can come from the user's config instead of flags", async () => {
  upstream.setScript(script);
  const seen = upstream.requests.length;
  const sb = sampleSandbox();
  try {
    const home = join(sb.env.XDG_CONFIG_HOME!, "loom");
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, "config.toml"),
      `[agent]\nprovider = "vertex"\nmodel = "gemini-2.5-flash"\n\n[providers.vertex]\nproject = "cfg-project"\nlocation = "europe-west4"\nbase_url = "${upstream.url}"\naccess_token = "test-token"\n`,
    );
    const r = await loom(sb, ["run", "--permission-mode", "auto", "fix the checks"]);
    expect(r.code).toBe(0);
    const paths = upstream.requests.slice(seen).map((q) => q.path);
    expect(paths).toHaveLength(4);
    for (const path of paths) {
      expect(path).toBe(
        "/v1/projects/cfg-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
      );
    }
  } finally {
    sb.cleanup();
  }
});

describe("loom run without credentials", () => {
  for (const [provider, variable] of [
    ["anthropic", "ANTHROPIC_API_KEY"],
    ["openai", "OPENAI_API_KEY"],
    ["vertex", "GOOGLE_CLOUD_PROJECT"],
  ] as const) {
    test(`${provider}: one line naming ${variable}`, async () => {
      const sb = sampleSandbox();
      try {
        const r = await loom(sb, ["run", "--provider", provider, "hello"]);
        expect(r.code).toBe(1);
        expect(r.stderr.trim().split("\n")).toEqual([
          `loom: MISSING_CREDENTIALS: ${provider}: no credentials, set ${variable}`,
        ]);
      } finally {
        sb.cleanup();
      }
    });
  }
});
