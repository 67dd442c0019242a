/**
 * The bubblewrap command line for a local weaver: the host's root read-only, the weaver's workspace
 * and home bound read-write, a private 1 GiB /tmp, the server's home and data dir covered by empty
 * read-only folders (so neither the host's home nor the server's database can be read, and nothing
 * can be written there), Loom's own install shown again read-only when it lies under them, fresh PID/IPC/UTS/user/network namespaces, no capabilities. The network is
 * the sandbox's own loopback plus the server's address, through the filtering proxy and its relay
 * (specs/sandbox.md, "Network"); the relay runs the command in the workspace.
 */
import { realpathSync } from "node:fs";
import { TMP_SIZE_BYTES } from "@loom/runtime/sandbox/bwrap-args";
import { noProxyFor, PROXY_SOCKET, RELAY_FILE, SANDBOX_NET_DIR } from "@loom/runtime/sandbox/relay";

export interface WeaverBwrap {
  workspace: string;
  home: string;
  hidden: string[];
  reveal: string[];
  /** The filtering proxy's host folder (socket and relay script); none: no network but the sandbox's own loopback. */
  proxyDir?: string;
  /** The hosts the proxy lets through (the server's `host:port`; the repository's host for the clone). */
  hosts: string[];
  /** Host paths shown read-only at their real paths even under a covered folder (a local repository to clone). */
  readOnly?: string[];
  argv: string[];
}

export function weaverBwrapArgs(w: WeaverBwrap): string[] {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return undefined;
    }
  };
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  args.push("--size", String(TMP_SIZE_BYTES), "--tmpfs", "/tmp");
  // Outermost folders only: a cover inside another cover would be gone by the time it is made read-only.
  const all = [...new Set(w.hidden.map(real).filter((r): r is string => r !== undefined && r !== "/"))];
  const hidden = all.filter((r) => !all.some((o) => r.startsWith(`${o}/`)));
  for (const r of hidden) args.push("--tmpfs", r);
  const shown = w.reveal.map(real).filter((r): r is string => r !== undefined);
  for (const r of shown) args.push("--ro-bind", r, r);
  // A hidden folder inside a revealed one (the data dir inside a checkout) is covered again.
  for (const r of hidden) if (shown.some((s) => r.startsWith(`${s}/`))) args.push("--tmpfs", r);
  const ws = real(w.workspace) ?? w.workspace;
  const home = real(w.home) ?? w.home;
  args.push("--bind", ws, ws, "--bind", home, home);
  for (const p of w.readOnly ?? []) {
    const r = real(p);
    if (r) args.push("--ro-bind", r, r);
  }
  // The covers are read-only once the workspace and home are bound inside them: a write there fails.
  for (const r of hidden) args.push("--remount-ro", r);
  args.push("--unshare-all", "--unshare-user", "--disable-userns");
  args.push("--cap-drop", "ALL", "--die-with-parent", "--new-session");
  args.push("--setenv", "TMPDIR", "/tmp", "--setenv", "HOME", home);
  if (!w.proxyDir) {
    args.push("--chdir", ws, "--", ...w.argv);
    return args;
  }
  args.push("--ro-bind", w.proxyDir, SANDBOX_NET_DIR, "--setenv", "BUN_BE_BUN", "1");
  args.push("--chdir", SANDBOX_NET_DIR, "--", process.execPath, `${SANDBOX_NET_DIR}/${RELAY_FILE}`);
  args.push(`${SANDBOX_NET_DIR}/${PROXY_SOCKET}`, noProxyFor(w.hosts), ws, ...w.argv);
  return args;
}
