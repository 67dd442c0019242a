/**
 * The relay that runs first inside a sandbox with a host allow-list: it listens on the sandbox's
 * own 127.0.0.1 (a free port), forwards every connection to the proxy's Unix socket bound into the
 * sandbox, points the proxy variables at itself, then runs the command and exits with its status.
 * Run by Bun (Loom's own binary, read-only inside); written to a file next to the socket because a
 * single-file Loom binary has no source tree on disk. It starts in its own folder, not the
 * workspace, so Bun reads no workspace `.env` or `bunfig.toml`; the command gets the real cwd.
 */
import { parseHostRules } from "./host-rules.ts";

/** Where the proxy's folder (socket and relay) is bound inside the sandbox. */
export const SANDBOX_NET_DIR = "/tmp/.loom-net";
export const PROXY_SOCKET = "proxy.sock";
export const RELAY_FILE = "relay.mjs";

/** Names left to the sandbox's own loopback (not proxied) unless the allow-list names them. */
export const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

export const RELAY_SOURCE = `// Loom sandbox relay: 127.0.0.1:<free port> -> the proxy's Unix socket; then runs the command.
import { createServer, createConnection } from "node:net";
import { spawn } from "node:child_process";
import { constants } from "node:os";
const [socketPath, noProxy, cwd, ...argv] = process.argv.slice(2);
const server = createServer((c) => {
  const u = createConnection(socketPath);
  c.pipe(u);
  u.pipe(c);
  c.on("error", () => u.destroy());
  u.on("error", () => c.destroy());
  c.on("close", () => u.destroy());
  u.on("close", () => c.destroy());
});
server.listen(0, "127.0.0.1", () => {
  const url = "http://127.0.0.1:" + server.address().port;
  const env = { ...process.env };
  delete env.BUN_BE_BUN;
  for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"]) env[k] = url;
  env.NO_PROXY = env.no_proxy = noProxy;
  env.NODE_USE_ENV_PROXY = "1";
  const child = spawn(argv[0], argv.slice(1), { stdio: "inherit", env, cwd });
  child.on("error", (e) => {
    process.stderr.write("loom sandbox relay: " + e.message + "\\n");
    process.exit(127);
  });
  child.on("exit", (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
});
`;

/** NO_PROXY for an allow-list: the loopback names it does not name stay on the sandbox's own loopback. */
export function noProxyFor(hosts: readonly string[]): string {
  const named = new Set(parseHostRules(hosts).map((r) => r.host));
  return LOOPBACK_NAMES.filter((n) => !named.has(n)).join(",");
}
