/**
 * `loom serve`'s startServer in a child process, so the bench clients' own work is not on the
 * server's event loop. Resolves once the child prints the URL it listens on.
 * @example
 * const server = await startChildServer({ dbPath });
 * try { await fetch(`${server.url}/health`); } finally { await server.stop(); }
 */
import { join } from "node:path";
import { streamText } from "./stream-text.ts";

export interface ChildServerOptions {
  /** SQLite file, or `databaseUrl` for PostgreSQL. */
  dbPath?: string;
  databaseUrl?: string;
  /** The maintenance worker's nice value (the server's default when left out). */
  maintenanceNice?: number;
  /** false: thread PUTs' transactions on the event loop instead of the thread-writer worker. */
  threadWriter?: boolean;
}

export interface ChildServer {
  url: string;
  pid: number;
  /** SIGTERM, then waits for the child to exit. */
  stop(): Promise<void>;
}

/** `bunArgs` go before the script (e.g. `--cpu-prof`). */
export async function startChildServer(o: ChildServerOptions, bunArgs: string[] = []): Promise<ChildServer> {
  const script = `import { startServer } from "@loom/server/serve";
const s = await startServer({ port: 0, ...${JSON.stringify(o)}, env: {}, logSink: () => {} });
process.stdout.write(s.url + "\\n");
process.on("SIGTERM", () => s.stop().then(() => process.exit(0)));`;
  const child = Bun.spawn(["bun", ...bunArgs, "-e", script], {
    cwd: join(import.meta.dir, ".."),
    stdout: "pipe",
    stderr: "inherit",
  });
  const out = streamText(child.stdout);
  try {
    await out.until("\n", "the bench server");
  } catch (e) {
    child.kill("SIGKILL");
    await child.exited;
    throw e;
  }
  out.release();
  return {
    url: out.text.trim(),
    pid: child.pid,
    async stop() {
      child.kill("SIGTERM");
      await child.exited;
    },
  };
}
