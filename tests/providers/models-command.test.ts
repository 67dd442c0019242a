/** `loom models`: what is configured, from the environment and config files, through the real command. */
import { expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loom } from "../cli/_harness.ts";
import { sampleSandbox } from "../e2e/helpers.ts";

interface Listing {
  current: { provider: string; model?: string };
  providers: {
    provider: string;
    type: string;
    configured: boolean;
    keyVariable?: string;
    models: {
      id: string;
      inputPrice: number | null;
      outputPrice: number | null;
      contextWindow: number | null;
      default: boolean;
    }[];
  }[];
}

async function listing(env: Record<string, string>, config?: string) {
  const sb = sampleSandbox();
  try {
    if (config) {
      // The user's config: a workspace config may not set base URLs.
      const home = join(sb.env.XDG_CONFIG_HOME!, "loom");
      mkdirSync(home, { recursive: true });
      writeFileSync(join(home, "config.toml"), config);
    }
    const json = await loom(sb, ["models", "--json"], { env });
    const text = await loom(sb, ["models"], { env });
    expect(json.code).toBe(0);
    expect(text.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as Listing;
    return { parsed, text: text.stdout, byName: new Map(parsed.providers.map((p) => [p.provider, p])) };
  } finally {
    sb.cleanup();
  }
}

test("keys and projects from the environment mark their providers configured", async () => {
  const none = await listing({});
  expect(none.parsed.providers.map((p) => [p.provider, p.configured])).toEqual([
    ["anthropic", false],
    ["openai", false],
    ["vertex", false],
  ]);
  expect(none.text).toContain("not configured (set ANTHROPIC_API_KEY)");

  const some = await listing({ ANTHROPIC_API_KEY: "sk-ant-x", GOOGLE_CLOUD_PROJECT: "p" });
  expect(some.byName.get("anthropic")?.configured).toBe(true);
  expect(some.byName.get("openai")?.configured).toBe(false);
  expect(some.byName.get("vertex")?.configured).toBe(true);
  expect(some.text).not.toContain("sk-ant-x");
});

test("a named OpenAI-compatible server is listed, configured by its base URL alone", async () => {
  const { parsed, byName, text } = await listing(
    {},
    '[agent]\nprovider = "ollama"\nmodel = "qwen2.5-coder"\n\n[providers.ollama]\ntype = "openai"\nbase_url = "http://127.0.0.1:11434/v1"\n',
  );
  expect(parsed.current).toEqual({ provider: "ollama", model: "qwen2.5-coder" });
  const ollama = byName.get("ollama");
  expect(ollama).toMatchObject({ type: "openai", configured: true });
  expect(ollama?.models).toEqual([
    { id: "qwen2.5-coder", contextWindow: null, inputPrice: null, outputPrice: null, default: true },
  ]);
  expect(text).toMatch(/\* qwen2\.5-coder +\? ctx {2}price unknown/);
});

test("catalogue models show their price, or 'price unknown' when none is known", async () => {
  const { byName, text } = await listing({ OPENAI_API_KEY: "k" });
  const openai = byName.get("openai")?.models ?? [];
  expect(openai.find((m) => m.id === "gpt-4.1")?.inputPrice).toBe(2);
  expect(openai.find((m) => m.id === "gpt-5.4")?.inputPrice).toBeNull();
  expect(text).toMatch(/gpt-5\.4 +\? ctx {2}price unknown/);
  expect(text).toMatch(/claude-sonnet-4-6 +1\.00M ctx {2}\$3\/\$15 per Mtok/);
  // The default model is marked.
  expect(byName.get("anthropic")?.models.find((m) => m.default)?.id).toBe("claude-sonnet-4-6");
});
