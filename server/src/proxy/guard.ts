/** The checks every proxied call passes: model allowlist, then the caller's rate limit. */
import type { Principal } from "../auth/principal.ts";
import { HttpError } from "../http-error.ts";
import type { RateLimiter } from "./rate-limit.ts";

export interface ProxyGuard {
  admit(principal: Principal, provider: string, model: string): void;
}

export function createProxyGuard(opts: {
  allowModel: (model: string) => boolean;
  limiter: RateLimiter;
}): ProxyGuard {
  return {
    admit(principal, provider, model) {
      if (!opts.allowModel(model)) {
        throw new HttpError(403, "MODEL_NOT_ALLOWED", `model ${model} is not allowed on this server`, {
          provider,
        });
      }
      const wait = opts.limiter.take(principal.tokenId ?? principal.userId, principal.rateLimitPerMinute);
      if (wait !== undefined) {
        throw new HttpError(
          429,
          "RATE_LIMITED",
          "rate limit exceeded for this token",
          { retryAfterMs: wait },
          { "retry-after": String(Math.max(1, Math.ceil(wait / 1000))) },
        );
      }
    },
  };
}
