import { expect, test } from "bun:test";
import { LoomError } from "../errors.ts";
import { type LlmClient, LlmError, type ProviderDefinition } from "../llm.ts";
import { errorFromStatus, missingCredentials } from "./errors.ts";
import { clientConfigFrom, createLlmClient } from "./resolve.ts";

/** An OpenAI-like definition whose calls fail with `error`, or whose create() throws `createError`. */
const failing = (error: unknown, createError?: unknown): ProviderDefinition => ({
  name: "openai",
  create(): LlmClient {
    if (createError) throw createError;
    return {
      provider: "openai",
      complete: () => Promise.reject(error),
      // biome-ignore lint/correctness/useYield: fails before its first event, as a refused request does
      stream: async function* () {
        throw error;
      },
    };
  },
});

const request = { model: "m", messages: [{ role: "user" as const, content: "hi" }] };

test("errors of a named provider name it, with its type", async () => {
  const error = errorFromStatus("openai", 401, "missing key");
  const llm = createLlmClient(clientConfigFrom("local", { type: "openai" }), [failing(error)]);
  const fromComplete = await llm.complete(request).catch((e: unknown) => e);
  expect(fromComplete).toBeInstanceOf(LlmError);
  expect((fromComplete as LlmError).message).toBe("local (openai): 401 missing key");
  expect((fromComplete as LlmError).kind).toBe("permanent");
  expect((fromComplete as LlmError).status).toBe(401);
  let fromStream: unknown;
  try {
    for await (const _ of llm.stream(request)) {
    }
  } catch (e) {
    fromStream = e;
  }
  expect((fromStream as LlmError).message).toBe("local (openai): 401 missing key");
});

test("a named provider's missing key points at its own config key", () => {
  const refuse = () =>
    createLlmClient(clientConfigFrom("router", { type: "openai" }), [
      failing(undefined, missingCredentials("openai", "OPENAI_API_KEY")),
    ]);
  expect(refuse).toThrow(
    new LoomError("MISSING_CREDENTIALS", "router (openai): no credentials, set providers.router.api_key"),
  );
});

test("a provider used under its own name keeps its messages", async () => {
  const error = errorFromStatus("openai", 401, "missing key");
  const llm = createLlmClient(clientConfigFrom("openai", {}), [failing(error)]);
  expect(await llm.complete(request).catch((e: unknown) => (e as Error).message)).toBe(
    "openai: 401 missing key",
  );
});
