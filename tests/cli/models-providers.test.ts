/**
 * Choosing a provider and model from the command line: names are checked before anything is sent
 * (with the nearest names), configured providers are named in errors, and a provider's own
 * warnings reach the user once, as Loom's output.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type FakeUpstream, startFakeUpstream } from "../fixtures/fake-upstream/server.ts";
import { createSandbox, jsonLines, loom, type Sandbox } from "./_harness.ts";

let up: FakeUpstream;
let sb: Sandbox;
beforeAll(async () => {
  up = await startFakeUpstream({ script: { turns: [] } });
  sb = createSandbox({ "a.txt": "hi\n" });
});
afterAll(async () => {
  await up.stop();
  sb.cleanup();
});

const anthropicEnv = () => ({ ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: up.url });
const localEnv = () => ({
  LOOM_PROVIDERS__LOCAL__TYPE: "openai",
  LOOM_PROVIDERS__LOCAL__BASE_URL: up.openaiUrl,
});

test("a misspelt model is refused before any request, with the nearest catalogue name", async () => {
  up.setScript({ turns: [{ text: "never" }] });
  const r = await loom(sb, ["run", "--model", "claude-sonet-4-6", "hi"], { env: anthropicEnv() });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split("\n")).toEqual([
    'loom: CONFIG_INVALID: unknown model "claude-sonet-4-6" for anthropic (did you mean claude-sonnet-4-6 or claude-sonnet-4-5?); `loom models` lists the known models',
  ]);
  expect(up.requests).toHaveLength(0);
});

const uncounted = (model: string) => `model "${model}" is not in Loom's catalogue: its cost is not counted`;

test("a model newer than the catalogue that Anthropic's list has is used, with one notice that its cost is not counted", async () => {
  up.setScript({
    turns: [{ text: "new answer" }],
    models: ["claude-opus-6", "claude-sonnet-4-6"],
    apiKey: "k",
  });
  const r = await loom(sb, ["run", "--model", "claude-opus-6", "hi"], { env: anthropicEnv() });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("new answer");
  expect(r.stderr.split("\n").filter((l) => l.includes("catalogue"))).toEqual([uncounted("claude-opus-6")]);
  expect(up.requests.map((q) => (q.body as { model?: string }).model)).toEqual(["claude-opus-6"]);

  up.setScript({ turns: [{ text: "answer" }], models: ["claude-opus-6", "claude-sonnet-4-6"] });
  const repl = await loom(sb, [], { env: anthropicEnv(), stdin: "/model claude-opus-6\nhello\n/exit\n" });
  expect(repl.code).toBe(0);
  expect(repl.stdout).toContain(uncounted("claude-opus-6"));
  expect(repl.stdout).toContain("model: claude-opus-6 (anthropic)");
  expect(up.requests.map((q) => (q.body as { model?: string }).model)).toEqual(["claude-opus-6"]);
});

test("a model Anthropic's list lacks is refused with the nearest listed and catalogue names", async () => {
  // The key is checked on the list too: had it not been sent, the list would be missing and the
  // name taken.
  up.setScript({ turns: [{ text: "never" }], models: ["claude-opus-6", "claude-sonnet-4-6"], apiKey: "k" });
  const r = await loom(sb, ["run", "--model", "claude-opus-7", "hi"], { env: anthropicEnv() });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split("\n")).toEqual([
    'loom: CONFIG_INVALID: unknown model "claude-opus-7" for anthropic: neither its model list nor Loom\'s catalogue has it (did you mean claude-opus-6 or claude-opus-5 or claude-opus-4?); `loom models` lists the known models',
  ]);
  expect(up.requests).toHaveLength(0);
});

test("without a model list, a typo of a catalogue name is refused and any other new name is used with the notice", async () => {
  // No `models`: the fake's /v1/models answers 404, as an API without the route would.
  up.setScript({ turns: [{ text: "never" }] });
  const typo = await loom(sb, ["run", "--model", "claude-opus-4-66", "hi"], { env: anthropicEnv() });
  expect(typo.code).toBe(1);
  expect(typo.stderr.trim()).toStartWith(
    'loom: CONFIG_INVALID: unknown model "claude-opus-4-66" for anthropic (did you mean claude-opus-4-6',
  );
  expect(up.requests).toHaveLength(0);

  up.setScript({ turns: [{ text: "unlisted answer" }] });
  const r = await loom(sb, ["run", "--model", "claude-opus-6", "hi"], { env: anthropicEnv() });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("unlisted answer");
  expect(r.stderr.split("\n").filter((l) => l.includes("catalogue"))).toEqual([uncounted("claude-opus-6")]);
  expect(up.requests.map((q) => (q.body as { model?: string }).model)).toEqual(["claude-opus-6"]);
});

test("a named provider without a model says how to set one, and sends nothing", async () => {
  up.setScript({ turns: [{ text: "never" }] });
  const r = await loom(sb, ["run", "--provider", "local", "hi"], { env: localEnv() });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('loom: CONFIG_INVALID: no model for provider "local"');
  expect(r.stderr).toContain("pass --model <id>, or set model under [agent] in");
  expect(up.requests).toHaveLength(0);
});

test("an OpenAI-compatible server takes the models its /models lists, and refuses others", async () => {
  up.setScript({ turns: [{ text: "local answer" }], models: ["qwen2.5-coder", "llama3.1"] });
  const ok = await loom(sb, ["run", "--provider", "local", "--model", "qwen2.5-coder", "hi"], {
    env: localEnv(),
  });
  expect(ok.stderr).not.toContain("loom:");
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain("local answer");
  expect(up.requests.map((q) => (q.body as { model?: string }).model)).toEqual(["qwen2.5-coder"]);

  up.setScript({ turns: [{ text: "never" }], models: ["qwen2.5-coder", "llama3.1"] });
  const bad = await loom(sb, ["run", "--provider", "local", "--model", "qwen2.5-codr", "hi"], {
    env: localEnv(),
  });
  expect(bad.code).toBe(1);
  expect(bad.stderr.trim()).toBe(
    `loom: CONFIG_INVALID: model "qwen2.5-codr" is not served by local (openai) at ${up.openaiUrl} (did you mean qwen2.5-coder?) (it serves: qwen2.5-coder, llama3.1)`,
  );
  expect(up.requests).toHaveLength(0);
});

test("a [providers.x] table without a type says the type is missing", async () => {
  const r = await loom(sb, ["run", "--provider", "local", "--model", "m", "hi"], {
    env: { LOOM_PROVIDERS__LOCAL__BASE_URL: up.openaiUrl },
  });
  expect(r.code).toBe(1);
  expect(r.stderr.trim()).toBe(
    'loom: CONFIG_INVALID: provider "local" has no type: set providers.local.type to one of anthropic, openai, vertex (e.g. type = "openai" for an OpenAI-compatible server)',
  );
});

test("errors of a configured provider name it, not only its type", async () => {
  up.setScript({ turns: [{ text: "never" }], apiKey: "right-key", models: ["qwen2.5-coder"] });
  const r = await loom(sb, ["run", "--provider", "local", "--model", "qwen2.5-coder", "hi"], {
    env: localEnv(),
  });
  expect(r.code).toBe(1);
  expect(r.stderr.trim().split("\n").at(-1)).toMatch(/^loom: local \(openai\): 401 /);
});

test("the SDK's deprecation warning is told once, as a Loom notice", async () => {
  up.setScript({
    turns: [
      { toolCalls: [{ name: "read_file", input: { path: "a.txt" } }] },
      { toolCalls: [{ name: "read_file", input: { path: "a.txt" } }] },
      { toolCalls: [{ name: "read_file", input: { path: "a.txt" } }] },
      { text: "done" },
    ],
  });
  const r = await loom(sb, ["run", "--model", "claude-sonnet-4-5", "read it"], { env: anthropicEnv() });
  expect(r.code).toBe(0);
  expect(up.requests).toHaveLength(4);
  const lines = r.stderr.split("\n").filter((l) => l.includes("deprecated"));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^anthropic: The model 'claude-sonnet-4-5' is deprecated .*; Please migrate/);

  up.setScript({ turns: [{ text: "done" }] });
  const json = await loom(sb, ["run", "--json", "--model", "claude-sonnet-4-5", "hi"], {
    env: anthropicEnv(),
  });
  expect(json.stderr).toBe("");
  const notices = jsonLines(json.stdout).filter((e) => e.type === "notice");
  expect(notices).toHaveLength(1);
  expect(String(notices[0]?.message)).toContain("deprecated");
});

test("/model refuses an unknown name and keeps the model; a provider name gets a hint", async () => {
  up.setScript({ turns: [{ text: "answer" }] });
  const input = ["/model local", "/model claude-opus-4-66", "/model", "hello", "/exit"].join("\n");
  const r = await loom(sb, [], { env: { ...anthropicEnv(), ...localEnv() }, stdin: `${input}\n` });
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('"local" is a provider: choose it with --provider local');
  expect(r.stdout).toContain('unknown model "claude-opus-4-66" for anthropic (did you mean claude-opus-4-6');
  expect(r.stdout).toContain("model: claude-sonnet-4-6 (anthropic)");
  expect(up.requests.map((q) => (q.body as { model?: string }).model)).toEqual(["claude-sonnet-4-6"]);
});

test("an unknown name in tools.disabled is one warning, before the work and never over the prompt", async () => {
  const env = { ...anthropicEnv(), LOOM_TOOLS__DISABLED: '["bsh"]' };
  const warning = 'tools.disabled: no tool named "bsh" (did you mean bash?); see `loom tools list`';
  up.setScript({ turns: [{ text: "ok" }] });
  const run = await loom(sb, ["run", "hi"], { env });
  expect(run.code).toBe(0);
  expect(run.stderr.split("\n").filter((l) => l.includes("tools.disabled"))).toEqual([warning]);

  up.setScript({ turns: [{ text: "ok" }] });
  const json = await loom(sb, ["run", "--json", "hi"], { env });
  const events = jsonLines(json.stdout);
  expect(events[0]?.type).toBe("start");
  expect(events[1]).toEqual({ type: "notice", level: "warn", message: warning });

  up.setScript({ turns: [{ text: "ok" }] });
  const repl = await loom(sb, [], { env, stdin: "hi\n" });
  const lines = repl.stdout.split("\n");
  // Banner, session line, the warning, then the turn.
  expect(lines[1]).toBe("claude-sonnet-4-6 (anthropic) · ask mode");
  expect(lines[2]).toBe(warning);
  expect(lines.slice(3).join("\n")).toContain("ok");
  expect(lines.filter((l) => l.includes("tools.disabled"))).toHaveLength(1);
});
