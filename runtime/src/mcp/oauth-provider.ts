/**
 * The SDK's `OAuthClientProvider` for one remote MCP server, backed by its saved state
 * (oauth-store.ts). The SDK does the protocol — protected resource and authorization server
 * discovery, dynamic client registration, PKCE, the code exchange, refresh on a 401 — and this
 * keeps what it hands over. Two modes:
 * - `interactive` (`loom mcp login`): registers a client for the loopback redirect URL and hands
 *   the authorization URL to `onAuthorizationUrl`;
 * - a session (not interactive): uses the saved tokens and refreshes them; where a person would be
 *   needed (no tokens, refresh refused) it fails with `MISSING_CREDENTIALS` naming the login command.
 * @example
 * const provider = createMcpOAuthProvider({ server: "docs", url, env });
 * new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
 */
import { randomBytes } from "node:crypto";
import type { OAuthClientProvider, OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { LoomError } from "../errors.ts";
import type { Env } from "../paths.ts";
import { type McpOAuthState, readMcpOAuth, writeMcpOAuth } from "./oauth-store.ts";

/** Refresh a little before the access token's stated expiry. */
const EXPIRY_MARGIN_MS = 30_000;
/** What a session registers with when it never logged in (it never gets that far: see `needsLogin`). */
const PLACEHOLDER_REDIRECT = "http://127.0.0.1/callback";

export interface McpOAuthOptions {
  server: string;
  url: string;
  env: Env;
  /** `loom mcp login`: the loopback URL the browser comes back to. */
  redirectUrl?: string;
  /** `loom mcp login`: where the authorization URL goes (printed for the user to open). */
  onAuthorizationUrl?: (url: URL) => void;
  now?: () => number;
}

export interface McpOAuthProvider extends OAuthClientProvider {
  /** The `state` sent with the last authorization request (the login checks the redirect's). */
  readonly lastState: string | undefined;
  tokens(): OAuthTokens | undefined;
  /** There are tokens and the access token's expiry (when stated) is near or past. */
  expired(): boolean;
  /** There are saved tokens. */
  loggedIn(): boolean;
}

export function createMcpOAuthProvider(options: McpOAuthOptions): McpOAuthProvider {
  const { server, url, env } = options;
  const now = options.now ?? Date.now;
  const interactive = options.onAuthorizationUrl !== undefined;
  let state: McpOAuthState = readMcpOAuth(server, url, env);
  let lastState: string | undefined;
  const save = (patch: Partial<McpOAuthState>): void => {
    state = { ...state, ...patch };
    writeMcpOAuth(server, state, env);
  };
  const needsLogin = (why: string): LoomError =>
    new LoomError("MISSING_CREDENTIALS", `MCP server ${server} ${why}: run loom mcp login ${server}`);
  const redirectUrl = (): string => options.redirectUrl ?? state.redirectUrl ?? PLACEHOLDER_REDIRECT;

  return {
    get redirectUrl() {
      return redirectUrl();
    },
    get clientMetadata(): OAuthClientMetadata {
      return {
        client_name: "Loom",
        redirect_uris: [redirectUrl()],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      };
    },
    get lastState() {
      return lastState;
    },
    state() {
      lastState = randomBytes(16).toString("base64url");
      return lastState;
    },
    clientInformation() {
      // A session stops here rather than registering a client only a login could use.
      if (!interactive && !state.client) throw needsLogin("needs authorization");
      return state.client;
    },
    saveClientInformation(client: OAuthClientInformationMixed) {
      if (!interactive && !state.client) throw needsLogin("needs authorization");
      save({ client, redirectUrl: redirectUrl() });
    },
    tokens: () => state.tokens,
    saveTokens(tokens: OAuthTokens) {
      const expiresAt = tokens.expires_in === undefined ? undefined : now() + tokens.expires_in * 1000;
      const { expiresAt: _, ...rest } = state;
      save({ ...rest, tokens, ...(expiresAt !== undefined ? { expiresAt } : {}) });
    },
    redirectToAuthorization(authorizationUrl: URL) {
      if (!options.onAuthorizationUrl)
        throw needsLogin(
          state.tokens ? "needs authorization again (its token was refused)" : "needs authorization",
        );
      options.onAuthorizationUrl(authorizationUrl);
    },
    saveCodeVerifier(codeVerifier: string) {
      save({ codeVerifier });
    },
    codeVerifier() {
      if (!state.codeVerifier)
        throw new LoomError("INVALID_INPUT", "no authorization under way (no PKCE verifier saved)");
      return state.codeVerifier;
    },
    invalidateCredentials(scope) {
      const { client, tokens, codeVerifier, discovery, expiresAt, ...rest } = state;
      const keep = (drop: boolean, value: unknown, key: string) =>
        drop || value === undefined ? {} : { [key]: value };
      const all = scope === "all";
      state = {
        ...rest,
        ...keep(all || scope === "client", client, "client"),
        ...keep(all || scope === "tokens", tokens, "tokens"),
        ...keep(all || scope === "tokens", expiresAt, "expiresAt"),
        ...keep(all || scope === "verifier", codeVerifier, "codeVerifier"),
        ...keep(all || scope === "discovery", discovery, "discovery"),
      } as McpOAuthState;
      writeMcpOAuth(server, state, env);
    },
    saveDiscoveryState(discovery: OAuthDiscoveryState) {
      // A session of a server never logged in stops at registration; it leaves no file behind.
      if (interactive || state.client) save({ discovery });
    },
    discoveryState: () => state.discovery,
    expired: () =>
      state.tokens !== undefined &&
      state.expiresAt !== undefined &&
      state.expiresAt - EXPIRY_MARGIN_MS <= now(),
    loggedIn: () => state.tokens !== undefined,
  };
}
