/**
 * A local weaver's `git clone` of its repository and branch into the workspace. With a sandbox it
 * runs in the weaver's bubblewrap sandbox (and cgroups): the host read-only, the server's home and
 * data covered, the workspace and the weaver's home writable, the network limited to the
 * repository's own `host:port` through a filtering proxy of its own (none for a local repository,
 * which is shown read-only at its path). Always: no terminal prompts, no credential helper, no
 * system git config, `ext::` refused, 10 minutes at most.
 */
import { mkdirSync, realpathSync } from "node:fs";
import { isAbsolute } from "node:path";
import { fileURLToPath } from "node:url";
import { parseHostRules } from "@loom/runtime/sandbox/host-rules";
import { openNetProxy } from "@loom/runtime/sandbox/net-proxy";
import { joinArgv } from "./cgroup-group.ts";
import { sandboxPath } from "./sandbox-path.ts";
import { weaverBwrapArgs } from "./weaver-bwrap.ts";
import { homePath, type StoredSpec, type WeaverLaunch, workspacePath } from "./weaver-dir.ts";

const CLONE_TIMEOUT_MS = 10 * 60_000;

export type CloneResult = { ok: true } | { ok: false; reason: string };

/** Where a repository is: a local path (absolute, or `file://`), a network host (`host:port`), or neither (git will say). */
export function repoLocation(repo: string): { path: string } | { host: string } | undefined {
  if (isAbsolute(repo)) return { path: repo };
  let url: URL;
  try {
    url = new URL(repo);
  } catch {
    return undefined;
  }
  if (url.protocol === "file:") return { path: fileURLToPath(url) };
  const port = url.port || { "https:": "443", "http:": "80", "ssh:": "22", "git:": "9418" }[url.protocol];
  return url.hostname && port ? { host: `${url.hostname}:${port}` } : undefined;
}

export async function cloneRepo(
  o: { dir: string; spec: StoredSpec; launch: WeaverLaunch },
  log: (line: string) => void,
): Promise<CloneResult> {
  const { repo, branch } = o.spec;
  const ws = workspacePath(o.dir);
  log(`cloning ${repo}${branch ? ` (branch ${branch})` : ""}`);
  const git = ["git", "-c", "credential.helper=", "-c", "protocol.ext.allow=never", "clone", "--quiet"];
  if (branch) git.push("--branch", branch, "--single-branch");
  git.push("--", repo, ws);
  const env = {
    PATH: sandboxPath(),
    HOME: homePath(o.dir),
    GIT_TERMINAL_PROMPT: "0",
    GIT_CONFIG_NOSYSTEM: "1",
    LANG: "C",
  };
  let argv = git;
  let close = () => {};
  if (o.launch.bwrap) {
    const where = repoLocation(repo);
    const hosts = where && "host" in where ? [where.host] : [];
    const local = where && "path" in where ? [where.path] : [];
    // A local repository needs no network: no proxy, no relay.
    const proxy = hosts.length ? await openNetProxy(parseHostRules(hosts)) : undefined;
    if (proxy) close = proxy.close;
    mkdirSync(ws, { recursive: true });
    argv = [
      o.launch.bwrap,
      ...weaverBwrapArgs({
        workspace: realpathSync(ws),
        home: homePath(o.dir),
        hidden: o.launch.hidden,
        reveal: o.launch.reveal,
        ...(proxy ? { proxyDir: proxy.dir } : {}),
        hosts,
        readOnly: local,
        argv: git,
      }),
    ];
    if (o.launch.cgroups) argv = joinArgv(o.launch.cgroups, argv);
  }
  try {
    const p = Bun.spawn(argv, { stdin: "ignore", stdout: "pipe", stderr: "pipe", env });
    const timer = setTimeout(() => p.kill("SIGKILL"), CLONE_TIMEOUT_MS);
    const [err, code] = await Promise.all([new Response(p.stderr).text(), p.exited]);
    clearTimeout(timer);
    const lines = err.split("\n").filter(Boolean);
    for (const l of lines) log(l);
    if (code === 0) return { ok: true };
    return { ok: false, reason: `git clone failed: ${lines.pop() ?? `exit code ${code}`}` };
  } finally {
    close();
  }
}
