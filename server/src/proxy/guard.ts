/** The checks every proxied call passes: model name shape, model allowlist, then the caller's rate limit. */
import { can } from "../access/policy.ts";
import { type Principal, subjectOf } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface ProxyGuard {
  /** Throws the HttpError that refuses the call; resolves when it may go. */
  admit(principal: Principal, provider: string, model: string): Promise<void>;
  /** The same for a call that names no model (the model list): the policy, then the rate limit. */
  admitListing(principal: Principal): Promise<void>;
  /** Whether the allowlist lets this model through (the model list shows only those). */
  allows(model: string): boolean;
}

/**
 * Why a model name is refused, if it is. Some provider SDKs put the model in the request path (Vertex:
 * a name starting `projects/` is used as a full resource path, so it would spend the server's
 * credentials in another Google Cloud project), so only plain names, optionally `vendor/name`, pass.
 */
export function modelNameProblem(model: string): string | undefined {
  if (model.length > 200) return "longer than 200 characters";
  if (/[\s\u0000-\u001f\u007f?&#%\\]/.test(model)) return "contains whitespace, control or URL characters";
  if (model.split("/").some((seg) => seg === "" || seg === "." || seg === ".."))
    return "has an empty, '.' or '..' path segment";
  if (/^(projects|locations|tunedModels)\//.test(model)) return "is a resource path, not a model name";
  return undefined;
}

export function createProxyGuard(opts: {
  allowModel: (model: string) => boolean;
  limiter: RateLimiter;
}): ProxyGuard {
  const permitted = (principal: Principal) => {
    const decision = can(subjectOf(principal), "UseLlm", { type: "llm" });
    if (!decision.allow)
      throw new HttpError(403, "FORBIDDEN", `not allowed to use the LLM proxy: ${decision.reason}`);
  };
  const rateLimit = async (principal: Principal) => {
    const wait = await opts.limiter.take(principal.tokenId ?? principal.userId, principal.rateLimitPerMinute);
    if (wait !== undefined) {
      throw new HttpError(
        429,
        "RATE_LIMITED",
        "rate limit exceeded for this token",
        { retryAfterMs: wait },
        { "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) },
      );
    }
  };
  return {
    allows: (model) => modelNameProblem(model) === undefined && opts.allowModel(model),
    async admitListing(principal) {
      permitted(principal);
      await rateLimit(principal);
    },
    async admit(principal, provider, model) {
      permitted(principal);
      const problem = modelNameProblem(model);
      if (problem)
        throw new HttpError(
          400,
          "INVALID_INPUT",
          `model name ${JSON.stringify(model.slice(0, 80))} ${problem}`,
        );
      if (!opts.allowModel(model)) {
        throw new HttpError(403, "MODEL_NOT_ALLOWED", `model ${model} is not allowed on this server`, {
          provider,
        });
      }
      await rateLimit(principal);
    },
  };
}
