/**
 * One filtering proxy per Loom process and allow-list, started lazily by the first command that
 * needs it (a session that runs none pays nothing) and removed when the process exits. Its folder
 * (mode 0700, under the system temp dir) holds the Unix socket and the relay script; bwrap binds it
 * read-only into the sandbox.
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HostRule } from "./host-rules.ts";
import { startProxy } from "./proxy.ts";
import { PROXY_SOCKET, RELAY_FILE, RELAY_SOURCE } from "./relay.ts";

export interface NetProxy {
  /** The host folder bound into the sandbox (socket and relay). */
  dir: string;
  close(): void;
}

const proxies = new Map<string, Promise<NetProxy>>();
let exitHookSet = false;

export function sharedNetProxy(rules: readonly HostRule[]): Promise<NetProxy> {
  const key = JSON.stringify(rules);
  let p = proxies.get(key);
  if (!p) {
    p = openNetProxy(rules);
    proxies.set(key, p);
    p.catch(() => proxies.delete(key));
    if (!exitHookSet) {
      exitHookSet = true;
      process.once("exit", closeNetProxies);
    }
  }
  return p;
}

/** Stops every shared proxy and removes its folder (also run on process exit). */
export function closeNetProxies(): void {
  for (const p of proxies.values()) p.then((x) => x.close()).catch(() => {});
  // On exit the promises cannot settle: close the ones already open synchronously.
  for (const close of openClosers) close();
  proxies.clear();
}

const openClosers = new Set<() => void>();

/** Folder names: `loom-net-<pid>-<random>`, so a folder left by a killed Loom can be found and removed. */
const PREFIX = "loom-net-";

export async function openNetProxy(rules: readonly HostRule[]): Promise<NetProxy> {
  removeStale(tmpdir());
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  chmodSync(dir, 0o700);
  try {
    writeFileSync(join(dir, RELAY_FILE), RELAY_SOURCE, { mode: 0o500 });
    const server: Server = await startProxy(rules, join(dir, PROXY_SOCKET));
    server.unref();
    let closed = false;
    const close = () => {
      if (closed) return;
      closed = true;
      openClosers.delete(close);
      server.close();
      rmSync(dir, { recursive: true, force: true });
    };
    openClosers.add(close);
    return { dir, close };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Removes proxy folders whose Loom process is gone (killed by a signal: no exit hook ran). */
export function removeStale(parent: string): void {
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const m = new RegExp(`^${PREFIX}(\\d+)-`).exec(name);
    if (!m || Number(m[1]) === process.pid || alive(Number(m[1]))) continue;
    rmSync(join(parent, name), { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
