/**
 * `loom mcp login <name>`: authorizes Loom with a remote MCP server by OAuth, as the MCP
 * authorization spec describes, through the SDK's `auth()` (discovery, dynamic client
 * registration, PKCE, code exchange). Loom listens on a loopback port for the browser's redirect,
 * prints the authorization URL for the user to open, checks the returned `state`, exchanges the
 * code and saves the tokens (runtime/src/mcp/oauth-store.ts). Tokens are never printed.
 */

import type { McpServerConfig } from "@loom/runtime/config/schema";
import { LoomError } from "@loom/runtime/errors";
import { createMcpOAuthProvider } from "@loom/runtime/mcp/oauth-provider";
import { mcpOAuthFile, removeMcpOAuth } from "@loom/runtime/mcp/oauth-store";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";

/** How long the login waits for the browser to come back. */
const WAIT_MS = 5 * 60_000;
const CALLBACK_PATH = "/callback";

interface Callback {
  code?: string;
  state?: string;
  error?: string;
}

function remoteServer(
  name: string,
  servers: Record<string, McpServerConfig>,
): McpServerConfig & { url: string } {
  const config = servers[name];
  if (!config) {
    const known = Object.keys(servers).join(", ") || "none";
    throw new LoomError("NOT_FOUND", `no MCP server "${name}" configured (configured: ${known})`);
  }
  if (!config.url)
    throw new LoomError(
      "INVALID_INPUT",
      `MCP server ${name} is a local command; OAuth is for remote (url) servers`,
    );
  return { ...config, url: config.url };
}

/** A loopback listener that resolves with the first redirect to `/callback`. */
function listen(port: number): { url: string; callback: Promise<Callback>; stop(): void } {
  let resolve: (c: Callback) => void = () => {};
  const callback = new Promise<Callback>((r) => {
    resolve = r;
  });
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== CALLBACK_PATH) return new Response("not found", { status: 404 });
      const get = (k: string) => url.searchParams.get(k) ?? undefined;
      const error = get("error");
      resolve({
        code: get("code"),
        state: get("state"),
        error: error && [error, get("error_description")].filter(Boolean).join(": "),
      });
      const text = error
        ? `Loom: authorization failed (${error}). You can close this tab.`
        : "Loom: authorized. You can close this tab.";
      return new Response(text, { headers: { "content-type": "text/plain; charset=utf-8" } });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}${CALLBACK_PATH}`,
    callback,
    stop: () => void server.stop(true),
  };
}

function waitFor(callback: Promise<Callback>, signal: AbortSignal): Promise<Callback> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new LoomError("TOOL_TIMEOUT", `no authorization within ${WAIT_MS / 60_000} minutes`)),
      WAIT_MS,
    );
    const cancel = () => reject(new LoomError("TOOL_CANCELLED", "login cancelled"));
    signal.addEventListener("abort", cancel, { once: true });
    void callback.then(resolve).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener("abort", cancel);
    });
  });
}

export async function runMcpLogin(
  name: string,
  servers: Record<string, McpServerConfig>,
  options: { port?: number; signal: AbortSignal; out: (line: string) => void },
): Promise<void> {
  const config = remoteServer(name, servers);
  const env = process.env;
  const listener = listen(options.port ?? 0);
  try {
    // A new login starts afresh: the redirect URL (its port) is part of the client's registration.
    removeMcpOAuth(name, env);
    let authorizationUrl: URL | undefined;
    const provider = createMcpOAuthProvider({
      server: name,
      url: config.url,
      env,
      redirectUrl: listener.url,
      onAuthorizationUrl: (u) => {
        authorizationUrl = u;
      },
    });
    const serverUrl = new URL(config.url);
    const first = await auth(provider, { serverUrl });
    if (first === "REDIRECT") {
      options.out(`Open this URL in a browser to authorize Loom with MCP server ${name}:`);
      options.out(`  ${authorizationUrl?.href ?? ""}`);
      options.out(`Waiting for the browser to come back to ${listener.url} …`);
      const back = await waitFor(listener.callback, options.signal);
      if (back.error) throw new LoomError("PERMISSION_DENIED", `authorization refused: ${back.error}`);
      if (!back.code) throw new LoomError("INVALID_INPUT", "the redirect carried no authorization code");
      if (back.state !== provider.lastState)
        throw new LoomError(
          "INVALID_INPUT",
          "the redirect's state does not match this login (not ours): try again",
        );
      await auth(provider, { serverUrl, authorizationCode: back.code });
    }
    options.out(`logged in to MCP server ${name}; tokens saved in ${mcpOAuthFile(name, env)}`);
  } finally {
    listener.stop();
  }
}
