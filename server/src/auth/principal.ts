/**
 * Who is calling. Resolvers run in order and the first that recognises the request wins; API tokens
 * are the first resolver, sessions (OAuth, magic link, device code) slot in beside them later.
 */
export interface Principal {
  userId: string;
  /** How the principal was established, e.g. "token". */
  via: string;
  /** The API token used, when `via === "token"` (usage accounting and rate limits key on it). */
  tokenId?: string;
  name?: string;
  /** Proxy requests per minute for this principal, when it differs from the server default. */
  rateLimitPerMinute?: number;
}

export type PrincipalResolver = (request: Request) => Principal | undefined | Promise<Principal | undefined>;

/** Reads a bearer credential from `Authorization: Bearer …` or, for the Anthropic SDK, `x-api-key`. */
export function bearerOf(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  if (auth?.toLowerCase().startsWith("bearer ")) return auth.slice(7).trim();
  return request.headers.get("x-api-key")?.trim() || undefined;
}
