/** A `loom serve` child process with weavers on (the local driver), its CLI, and waiting for a condition. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { MAIN } from "../cli/_harness.ts";

export const ROOT = join(import.meta.dir, "../..");

export async function freePort(): Promise<number> {
  const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
  const port = s.port ?? 0;
  await s.stop(true);
  return port;
}

/** Polls `check` every 50 ms until it returns a value (not undefined/false), or fails naming `what`. */
export async function waitFor<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

export function startServe(env: Record<string, string>, port: number) {
  const p = Bun.spawn(["bun", MAIN, "serve", "--port", String(port)], {
    cwd: ROOT,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  return p;
}

/** Waits until /health answers on the port (the server has started). */
export async function healthy(url: string, proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  await waitFor("the server to start", async () => {
    if (proc.exitCode !== null)
      throw new Error(
        `loom serve exited ${proc.exitCode}: ${await new Response(proc.stderr as ReadableStream).text()}`,
      );
    return (await fetch(`${url}/health`).catch(() => undefined))?.ok === true;
  });
}

export function dirs(root: string) {
  for (const d of ["home", "config", "data", "state", "cache"]) mkdirSync(join(root, d), { recursive: true });
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: join(root, "home"),
    XDG_CONFIG_HOME: join(root, "config"),
    XDG_DATA_HOME: join(root, "data"),
    XDG_STATE_HOME: join(root, "state"),
    XDG_CACHE_HOME: join(root, "cache"),
  };
}

export async function loom(args: string[], env: Record<string, string>, o: { timeoutMs?: number } = {}) {
  const p = Bun.spawn(["bun", MAIN, ...args], {
    cwd: ROOT,
    env,
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const timer = setTimeout(() => p.kill("SIGKILL"), o.timeoutMs ?? 20_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).text(),
    new Response(p.stderr).text(),
    p.exited,
  ]);
  clearTimeout(timer);
  return { stdout, stderr, code };
}
