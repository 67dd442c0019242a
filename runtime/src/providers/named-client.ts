/**
 * A provider configured under a name of its own (`[providers.local] type = "openai"`) reports its
 * errors under that name: `local (openai): 401 …`, not `openai: 401 …`, and a missing key points at
 * `providers.local.api_key`, not at OPENAI_API_KEY (which configures only `openai` itself).
 */
import { LoomError } from "../errors.ts";
import { type LlmClient, LlmError, type LlmEvent, type LlmRequest } from "../llm.ts";

/** Rewrites a provider error's `<type>: ` prefix (and `providers.<type>.` keys) to name the provider. */
export function renameError(e: unknown, name: string, type: string): unknown {
  if (!(e instanceof LoomError)) return e;
  const label = `${name} (${type})`;
  let message = e.message.startsWith(`${type}: `)
    ? `${label}: ${e.message.slice(type.length + 2)}`
    : e.message;
  message = message.replaceAll(`providers.${type}.`, `providers.${name}.`);
  if (e.code === "MISSING_CREDENTIALS" && typeof e.details?.env === "string") {
    message = message.replace(e.details.env, `providers.${name}.api_key`);
  }
  if (message === e.message) return e;
  if (e instanceof LlmError) {
    const o: ConstructorParameters<typeof LlmError>[2] = { provider: name, cause: e };
    if (e.status !== undefined) o.status = e.status;
    if (e.retryAfterMs !== undefined) o.retryAfterMs = e.retryAfterMs;
    return new LlmError(e.kind, message, o);
  }
  return new LoomError(e.code, message, { ...e.details, provider: name }, { cause: e });
}

export function namedClient(client: LlmClient, name: string, type: string): LlmClient {
  return {
    provider: client.provider,
    async complete(request, signal) {
      try {
        return await client.complete(request, signal);
      } catch (e) {
        throw renameError(e, name, type);
      }
    },
    async *stream(request: LlmRequest, signal?: AbortSignal): AsyncGenerator<LlmEvent> {
      try {
        yield* client.stream(request, signal);
      } catch (e) {
        throw renameError(e, name, type);
      }
    },
  };
}
