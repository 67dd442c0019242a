/**
 * OAuth for a remote MCP server: `loom mcp login` against a real authorization server (the SDK's
 * mcpAuthRouter, fixtures/oauth-server.ts) with the browser step followed by fetch; sessions use
 * and refresh the saved tokens; a missing login is one line naming the command.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createMcpManager } from "@loom/runtime/mcp/manager";
import { mcpOAuthFile } from "@loom/runtime/mcp/oauth-store";
import { createSandbox, loom, MAIN, type Sandbox } from "../cli/_harness.ts";
import { serverConfig } from "./_servers.ts";
import { type OAuthMcpServer, startOAuthMcpServer } from "./fixtures/oauth-server.ts";

let server: OAuthMcpServer;
let sb: Sandbox;

beforeAll(async () => {
  server = await startOAuthMcpServer();
  sb = createSandbox({ "README.md": "x\n" });
  sb.write("../config/loom/config.toml", `[mcp.servers.remote]\nurl = "${server.url}"\ntimeout_ms = 20000\n`);
});
afterAll(async () => {
  sb.cleanup();
  await server.close();
});

/** Runs `loom mcp login remote`, playing the browser: opens the printed URL and follows its redirect. */
async function login(): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn(["bun", MAIN, "mcp", "login", "remote"], {
    cwd: sb.workspace,
    env: sb.env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const reader = proc.stdout.getReader();
  let stdout = "";
  let authorizationUrl: string | undefined;
  while (!authorizationUrl) {
    const { done, value } = await reader.read();
    if (done) break;
    stdout += new TextDecoder().decode(value);
    authorizationUrl = stdout.match(/^ {2}(http\S+)$/m)?.[1];
  }
  if (authorizationUrl) {
    const authorize = await fetch(authorizationUrl, { redirect: "manual" });
    expect(authorize.status).toBe(302);
    const back = await fetch(authorize.headers.get("location") ?? "");
    expect(await back.text()).toContain("authorized");
  }
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    stdout += new TextDecoder().decode(value);
  }
  const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

const savedState = () => JSON.parse(readFileSync(mcpOAuthFile("remote", sb.env), "utf8"));
const manager = () =>
  createMcpManager({
    servers: { remote: serverConfig({ url: server.url, timeout_ms: 20_000 }) },
    workspace: sb.workspace,
    env: sb.env,
  });

test("before login: the server is one line naming loom mcp login, and nothing is saved", async () => {
  const t = await loom(sb, ["mcp", "test", "remote"]);
  expect(t.code).toBe(1);
  expect(t.stdout).toBe(
    "remote: failed: MISSING_CREDENTIALS: MCP server remote needs authorization: run loom mcp login remote\n",
  );
  expect(() => statSync(mcpOAuthFile("remote", sb.env))).toThrow();
  expect(server.provider.clients.size).toBe(0);
});

test("login: discovery, registration, PKCE, the redirect to loopback; tokens saved 0600, never printed", async () => {
  const r = await login();
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("Open this URL in a browser to authorize Loom with MCP server remote:");
  expect(r.stdout).toContain(
    `logged in to MCP server remote; tokens saved in ${mcpOAuthFile("remote", sb.env)}`,
  );
  const state = savedState();
  expect(state.url).toBe(server.url);
  expect(server.provider.access.has(state.tokens.access_token)).toBe(true);
  expect(r.stdout).not.toContain(state.tokens.access_token);
  expect(r.stdout).not.toContain(state.tokens.refresh_token);
  expect(statSync(mcpOAuthFile("remote", sb.env)).mode & 0o777).toBe(0o600);
  // The authorization code was exchanged with its PKCE verifier by the client that registered.
  expect(server.provider.clients.has(state.client.client_id)).toBe(true);

  const t = await loom(sb, ["mcp", "test", "remote"]);
  expect(t.code).toBe(0);
  expect(t.stdout).toContain("  remote__whoami  (read-only)\n");
  const list = await loom(sb, ["mcp", "list"]);
  expect(list.stdout).toContain("(OAuth: logged in)");
});

test("an access token the server no longer takes is refreshed on its 401, and the call goes through", async () => {
  const before = savedState().tokens.access_token;
  const refreshes = server.provider.refreshes;
  server.expireAccessTokens();
  const m = manager();
  try {
    await m.settled();
    expect(m.servers()[0]?.status).toBe("ready");
    const whoami = m.tools().find((t) => t.name === "remote__whoami");
    const ac = new AbortController();
    const out = await whoami?.invoke({}, { workspaceRoot: sb.workspace, signal: ac.signal, callId: "c1" });
    expect(out?.output).toBe(`client ${savedState().client.client_id}`);
  } finally {
    await m.close();
  }
  expect(server.provider.refreshes).toBe(refreshes + 1);
  expect(savedState().tokens.access_token).not.toBe(before);
});

test("tokens past their stated expiry are refreshed before connecting", async () => {
  const file = mcpOAuthFile("remote", sb.env);
  const state = savedState();
  writeFileSync(file, JSON.stringify({ ...state, expiresAt: Date.now() - 1000 }));
  const refreshes = server.provider.refreshes;
  const m = manager();
  try {
    await m.settled();
    expect(m.servers()[0]?.status).toBe("ready");
  } finally {
    await m.close();
  }
  // The old access token still worked on the server: only the expiry could have caused this.
  expect(server.provider.refreshes).toBe(refreshes + 1);
  expect(savedState().expiresAt).toBeGreaterThan(Date.now());
});

test("a refresh the server refuses asks for a new login; logout forgets the tokens", async () => {
  server.provider.refresh.clear();
  server.expireAccessTokens();
  const t = await loom(sb, ["mcp", "test", "remote"]);
  expect(t.code).toBe(1);
  expect(t.stdout).toContain("MISSING_CREDENTIALS: MCP server remote needs authorization");
  expect(t.stdout).toContain("run loom mcp login remote");
  const out = await loom(sb, ["mcp", "logout", "remote"]);
  expect(out.stdout).toBe("logged out of MCP server remote\n");
  expect(() => statSync(join(mcpOAuthFile("remote", sb.env)))).toThrow();
  const bad = await loom(sb, ["mcp", "login", "nope"]);
  expect(bad.code).not.toBe(0);
  expect(bad.stderr).toBe('loom: NOT_FOUND: no MCP server "nope" configured (configured: remote)\n');
});
