import { expect, test } from "bun:test";
import { checkModel, providerFor } from "./model-choice.ts";

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
  await checkModel({ provider: "anthropic", model: "claude-sonnet-4-6" }, { providers: {}, fetch });
  await checkModel({ provider: "openai", model: "gpt-4.1" }, { providers: {}, fetch });
  await checkModel({ provider: "anthropic", model: "claude-sonnet-4-5-20250929" }, { providers: {}, fetch });
  expect(asked).toEqual([]);
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
