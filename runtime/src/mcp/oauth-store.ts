/**
 * OAuth state of one remote MCP server, saved by `loom mcp login` and refreshed by sessions:
 * `<data dir>/mcp-oauth/<server>.json`, mode 0600 (its directory 0700). It holds the dynamically
 * registered client, the tokens (with when the access token expires), the PKCE verifier of a
 * login under way and the discovered authorization server. State saved for another URL is not
 * used: changing a server's `url` means logging in again.
 */
import { chmodSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import type { OAuthClientInformationMixed, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { LoomError } from "../errors.ts";
import { readOwnFile } from "../own-file.ts";
import { dataDir, type Env } from "../paths.ts";
import { writeFileAtomic } from "../threads/atomic-write.ts";

const MAX_BYTES = 256 * 1024;

export interface McpOAuthState {
  /** The server URL this state belongs to. */
  url: string;
  /** The loopback redirect URL the client was registered with. */
  redirectUrl?: string;
  client?: OAuthClientInformationMixed;
  tokens?: OAuthTokens;
  /** When the access token expires (ms since the epoch), from the token response's `expires_in`. */
  expiresAt?: number;
  codeVerifier?: string;
  discovery?: OAuthDiscoveryState;
}

export function mcpOAuthFile(server: string, env: Env): string {
  if (!/^[A-Za-z0-9_-]+$/.test(server))
    throw new LoomError("INVALID_INPUT", `MCP server name "${server}" is not [A-Za-z0-9_-]+`);
  return join(dataDir(env), "mcp-oauth", `${server}.json`);
}

/** The saved state for `server` at `url`; a fresh one when there is none (or it is for another URL). */
export function readMcpOAuth(server: string, url: string, env: Env): McpOAuthState {
  try {
    const file = readOwnFile(mcpOAuthFile(server, env), { maxBytes: MAX_BYTES });
    if (!file || file.truncated) return { url };
    const state = JSON.parse(file.bytes.toString("utf8")) as McpOAuthState;
    return state && typeof state === "object" && state.url === url ? state : { url };
  } catch {
    return { url };
  }
}

export function writeMcpOAuth(server: string, state: McpOAuthState, env: Env): void {
  const path = mcpOAuthFile(server, env);
  mkdirSync(join(dataDir(env), "mcp-oauth"), { recursive: true, mode: 0o700 });
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`);
  chmodSync(path, 0o600);
}

/** Forgets a server's tokens and registration; whether there were any. */
export function removeMcpOAuth(server: string, env: Env): boolean {
  const path = mcpOAuthFile(server, env);
  const had = readOwnFile(path, { maxBytes: MAX_BYTES }) !== undefined;
  rmSync(path, { force: true });
  return had;
}
