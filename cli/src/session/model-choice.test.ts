import { expect, test } from "bun:test";
import { checkModel, obviousTypo, providerFor } from "./model-choice.ts";

const local = { local: { type: "openai", base_url: "http://127.0.0.1:9/v1" } };

/** A server whose `/models` lists `ids` (or has no such route when `ids` is undefined). */
const serving = (ids: string[] | undefined) => {
  const asked: string[] = [];
  const fetch = (async (url: string | URL | Request) => {
    asked.push(String(url));
    if (!ids) return new Response("not found", { status: 404 });
    return Response.json({ object: "list", data: ids.map((id) => ({ id, object: "model" })) });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
};

test("catalogue models of the provider's own type pass without asking anyone", async () => {
  const { fetch, asked } = serving([]);
  const providers = { anthropic: { api_key: "sk-a" }, openai: { api_key: "sk-o" } };
  expect(await checkModel({ provider: "anthropic", model: "claude-sonnet-4-6" }, { providers, fetch })).toBe(
    undefined,
  );
  await checkModel({ provider: "openai", model: "gpt-4.1" }, { providers, fetch });
  await checkModel({ provider: "anthropic", model: "claude-sonnet-4-5-20250929" }, { providers, fetch });
  expect(asked).toEqual([]);
});

/** An official API whose `GET /v1/models` answers `body` (or `status`), recording what was asked. */
const official = (body: unknown, status = 200) => {
  const asked: { url: string; headers: Record<string, string> }[] = [];
  const fetch = (async (url: string | URL | Request, init?: RequestInit) => {
    asked.push({ url: String(url), headers: { ...(init?.headers as Record<string, string>) } });
    return Response.json(body, { status });
  }) as typeof globalThis.fetch;
  return { fetch, asked };
};
const anthropicPage = (ids: string[], hasMore = false) => ({
  data: ids.map((id) => ({ type: "model", id, display_name: id, created_at: "2026-01-01T00:00:00Z" })),
  has_more: hasMore,
});
const withKey = { anthropic: { api_key: "sk-a" }, openai: { api_key: "sk-o" } };
const uncounted = (model: string) => `model "${model}" is not in Loom's catalogue: its cost is not counted`;

test("a model newer than the catalogue that Anthropic lists is taken, with a notice that its cost is not counted", async () => {
  const { fetch, asked } = official(anthropicPage(["claude-opus-6", "claude-sonnet-4-6"]));
  const notice = await checkModel(
    { provider: "anthropic", model: "claude-opus-6" },
    { providers: withKey, fetch },
  );
  expect(notice).toBe(uncounted("claude-opus-6"));
  expect(asked).toEqual([
    {
      url: "https://api.anthropic.com/v1/models?limit=1000",
      headers: { "x-api-key": "sk-a", "anthropic-version": "2023-06-01" },
    },
  ]);
});

test("the list is asked at the configured base URL, OpenAI's with its key as a bearer token", async () => {
  const a = official(anthropicPage(["claude-opus-6"]));
  const providers = { anthropic: { api_key: "sk-a", base_url: "http://127.0.0.1:9/" } };
  await checkModel({ provider: "anthropic", model: "claude-opus-6" }, { providers, fetch: a.fetch });
  expect(a.asked.map((q) => q.url)).toEqual(["http://127.0.0.1:9/v1/models?limit=1000"]);

  const o = official({ object: "list", data: [{ id: "gpt-6", object: "model" }] });
  const notice = await checkModel(
    { provider: "openai", model: "gpt-6" },
    { providers: withKey, fetch: o.fetch },
  );
  expect(notice).toBe(uncounted("gpt-6"));
  expect(o.asked).toEqual([
    { url: "https://api.openai.com/v1/models", headers: { authorization: "Bearer sk-o" } },
  ]);
});

test("a name the provider's list lacks is refused with the nearest listed and catalogue names", async () => {
  const { fetch } = official(anthropicPage(["claude-opus-6", "claude-sonnet-4-6"]));
  await expect(
    checkModel({ provider: "anthropic", model: "claude-opus-7" }, { providers: withKey, fetch }),
  ).rejects.toThrow(
    'unknown model "claude-opus-7" for anthropic: neither its model list nor Loom\'s catalogue has it (did you mean claude-opus-6 or claude-opus-5 or claude-opus-4?); `loom models` lists the known models',
  );
});

test("without a list (no key, an error status, a partial page, Vertex) only an obvious typo is refused", async () => {
  const refused = 'unknown model "claude-sonet-4-6" for anthropic (did you mean claude-sonnet-4-6';
  const cases: { providers: Record<string, Record<string, unknown>>; fetch: typeof fetch }[] = [
    { providers: {}, fetch: official(anthropicPage([])).fetch },
    { providers: withKey, fetch: official({ type: "error" }, 500).fetch },
    { providers: withKey, fetch: official(anthropicPage(["claude-opus-4-6"], true)).fetch },
  ];
  for (const o of cases) {
    await expect(checkModel({ provider: "anthropic", model: "claude-sonet-4-6" }, o)).rejects.toThrow(
      refused,
    );
    expect(await checkModel({ provider: "anthropic", model: "claude-opus-6" }, o)).toBe(
      uncounted("claude-opus-6"),
    );
  }
  const { fetch, asked } = official(anthropicPage([]));
  const vertex = { vertex: { project: "p" } };
  expect(await checkModel({ provider: "vertex", model: "gemini-4-pro" }, { providers: vertex, fetch })).toBe(
    uncounted("gemini-4-pro"),
  );
  await expect(
    checkModel({ provider: "vertex", model: "gemini-2.5-pri" }, { providers: vertex, fetch }),
  ).rejects.toThrow('unknown model "gemini-2.5-pri" for vertex (did you mean gemini-2.5-pro?)');
  // Through a team server the key is the server's: nothing is asked.
  await checkModel(
    { provider: "anthropic", model: "claude-opus-6" },
    { providers: withKey, viaServer: true, fetch },
  );
  expect(asked).toEqual([]);
});

test("an obvious typo keeps a catalogue name's numbers or doubles a key; a new version number is no typo", () => {
  const ids = ["claude-sonnet-4-6", "claude-opus-4-6", "claude-opus-5", "gpt-5", "gpt-5.4-mini"];
  for (const typo of ["claude-sonet-4-6", "claude-opus-4-66", "gtp-5", "gpt-5.4-mnii", "claude-opsu-5"])
    expect([typo, obviousTypo(typo, ids)]).toEqual([typo, true]);
  for (const newer of [
    "claude-opus-6",
    "claude-opus-4-7",
    "claude-sonnet-5",
    "gpt-5.6",
    "gpt-6",
    "claude-mythos-1",
  ])
    expect([newer, obviousTypo(newer, ids)]).toEqual([newer, false]);
});

test("a typo is refused with the nearest catalogue names", async () => {
  await expect(
    checkModel({ provider: "anthropic", model: "claude-sonet-4-6" }, { providers: {} }),
  ).rejects.toThrow('unknown model "claude-sonet-4-6" for anthropic (did you mean claude-sonnet-4-6');
});

test("a provider's name given as a model says how to choose the provider", async () => {
  await expect(checkModel({ provider: "anthropic", model: "local" }, { providers: local })).rejects.toThrow(
    '"local" is a provider: choose it with --provider local',
  );
});

test("another provider's catalogue model is refused, naming the provider that serves it", async () => {
  await expect(
    checkModel({ provider: "openai", model: "claude-sonnet-4-6" }, { providers: {} }),
  ).rejects.toThrow(
    'model "claude-sonnet-4-6" belongs to anthropic; provider openai does not serve it (use --provider anthropic',
  );
});

test("an OpenAI-compatible server takes any model it lists, and refuses others with its list", async () => {
  const { fetch, asked } = serving(["qwen2.5-coder", "llama3.1"]);
  await checkModel({ provider: "local", model: "qwen2.5-coder" }, { providers: local, fetch });
  expect(asked).toEqual(["http://127.0.0.1:9/v1/models"]);
  await expect(
    checkModel({ provider: "local", model: "qwen2.5-codr" }, { providers: local, fetch }),
  ).rejects.toThrow(
    'model "qwen2.5-codr" is not served by local (openai) at http://127.0.0.1:9/v1 (did you mean qwen2.5-coder?) (it serves: qwen2.5-coder, llama3.1)',
  );
});

test("a compatible server without a model list takes any model", async () => {
  const { fetch } = serving(undefined);
  await checkModel({ provider: "local", model: "whatever-it-runs" }, { providers: local, fetch });
  // Unreachable: the request itself will say so.
  await checkModel({ provider: "local", model: "whatever-it-runs" }, { providers: local });
});

test("/model moves to the catalogue's provider unless the current one serves the model", () => {
  expect(providerFor("gpt-5", "anthropic", {})).toBe("openai");
  expect(providerFor("claude-opus-4-6", "anthropic", {})).toBe("anthropic");
  expect(providerFor("gpt-5", "local", local)).toBe("local");
  expect(providerFor("typo", "anthropic", {})).toBe("anthropic");
  const vertexClaude = { cv: { type: "anthropic", platform: "vertex" } };
  expect(providerFor("claude-sonnet-4-6", "cv", vertexClaude)).toBe("cv");
});
