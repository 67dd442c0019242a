import { describe, expect, test } from "bun:test";
import { LoomError } from "../errors.ts";
import type { LlmClient, ProviderDefinition, ProviderOptions } from "../llm.ts";
import { Secret } from "../secret.ts";
import { clientConfigFrom, createLlmClient } from "./resolve.ts";

function recordingProvider(name: string, seen: ProviderOptions[]): ProviderDefinition {
  return {
    name,
    create(options): LlmClient {
      seen.push(options);
      return {
        provider: name,
        complete: () => Promise.reject(new Error("not used")),
        stream: () => ({
          [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error("not used")) }),
        }),
      };
    },
  };
}

describe("createLlmClient", () => {
  test("picks the definition by name and passes key, base URL and settings", () => {
    const seen: ProviderOptions[] = [];
    const providers = [recordingProvider("anthropic", []), recordingProvider("openai", seen)];
    const llm = createLlmClient(
      {
        provider: "openai",
        apiKey: new Secret("sk-1"),
        baseUrl: "http://127.0.0.1:11434/v1",
        settings: { a: 1 },
      },
      providers,
    );
    expect(llm.provider).toBe("openai");
    expect(seen).toEqual([{ apiKey: "sk-1", baseUrl: "http://127.0.0.1:11434/v1", settings: { a: 1 } }]);
  });

  test("empty values are left out so the provider applies its defaults", () => {
    const seen: ProviderOptions[] = [];
    createLlmClient({ provider: "x", apiKey: "", baseUrl: undefined }, [recordingProvider("x", seen)]);
    expect(seen).toEqual([{}]);
  });

  test("a base URL that is not http(s) is CONFIG_INVALID at once, not a network error to retry", () => {
    for (const baseUrl of ["localhost:11434", "ftp://x.example", "http//typo"]) {
      expect(() => createLlmClient({ provider: "x", baseUrl }, [recordingProvider("x", [])])).toThrow(
        `x: base URL ${JSON.stringify(baseUrl)} is not an http(s) URL`,
      );
    }
    const seen: ProviderOptions[] = [];
    createLlmClient({ provider: "x", baseUrl: "http://127.0.0.1:11434/v1" }, [recordingProvider("x", seen)]);
    expect(seen).toEqual([{ baseUrl: "http://127.0.0.1:11434/v1" }]);
  });

  test("an unknown provider is a CONFIG_INVALID error listing the known ones", () => {
    const providers = [recordingProvider("anthropic", []), recordingProvider("vertex", [])];
    try {
      createLlmClient({ provider: "antropic" }, providers);
      throw new Error("expected a failure");
    } catch (e) {
      expect(e).toBeInstanceOf(LoomError);
      expect((e as LoomError).code).toBe("CONFIG_INVALID");
      expect((e as LoomError).message).toBe('unknown provider "antropic" (available: anthropic, vertex)');
    }
  });
});

test("clientConfigFrom splits a config table into key, base URL and settings", () => {
  const key = new Secret("sk");
  expect(clientConfigFrom("openai", { api_key: key, base_url: "http://h/v1", stream_usage: false })).toEqual({
    provider: "openai",
    name: "openai",
    apiKey: key,
    baseUrl: "http://h/v1",
    settings: { stream_usage: false },
  });
  const seen: ProviderOptions[] = [];
  createLlmClient(clientConfigFrom("vertex", { project: "p", location: "l" }), [
    recordingProvider("vertex", seen),
  ]);
  expect(seen).toEqual([{ settings: { project: "p", location: "l" } }]);
  expect(clientConfigFrom("ollama", { type: "openai", base_url: "http://127.0.0.1:11434/v1" })).toEqual({
    provider: "openai",
    name: "ollama",
    apiKey: undefined,
    baseUrl: "http://127.0.0.1:11434/v1",
    settings: {},
  });
  expect(clientConfigFrom("anthropic")).toEqual({
    provider: "anthropic",
    name: "anthropic",
    apiKey: undefined,
    baseUrl: undefined,
    settings: {},
  });
});
