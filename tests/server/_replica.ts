/**
 * Test helper: `loom serve --database postgres://…` as a real child process (a replica), on a free
 * port, with its log lines (stderr, JSON) collected. `kill()` is SIGKILL: nothing is flushed.
 */
import { join } from "node:path";
import { tempDir } from "./_helpers.ts";

const ROOT = join(import.meta.dir, "../..");

export interface Replica {
  url: string;
  proc: ReturnType<typeof Bun.spawn>;
  /** Log lines so far (parsed JSON). */
  logs: { event: string; [k: string]: unknown }[];
  kill(): Promise<void>;
}

export async function startReplica(databaseUrl: string, env: Record<string, string> = {}): Promise<Replica> {
  const dir = tempDir("loom-replica-");
  const proc = Bun.spawn(["bun", "cli/src/main.ts", "serve", "--port", "0", "--database", databaseUrl], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOME: dir,
      XDG_DATA_HOME: join(dir, "data"),
      XDG_CONFIG_HOME: join(dir, "config"),
      XDG_STATE_HOME: join(dir, "state"),
      LOOM_SERVER_DATABASE_URL: "",
      ...env,
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const logs: Replica["logs"] = [];
  void (async () => {
    const dec = new TextDecoder();
    let buf = "";
    const r = (proc.stderr as ReadableStream<Uint8Array>).getReader();
    for (;;) {
      const { value, done } = await r.read();
      if (done) break;
      buf += dec.decode(value, { stream: true });
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          logs.push(JSON.parse(line));
        } catch {
          logs.push({ event: "stderr", line });
        }
      }
    }
  })();
  // The first stdout line says where it listens (or the process ends with its one-line error).
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const dec = new TextDecoder();
  let out = "";
  while (!out.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`replica exited before listening: ${out}${JSON.stringify(logs)}`);
    out += dec.decode(value, { stream: true });
  }
  reader.releaseLock();
  const m = /listening on (http:\/\/\S+)/.exec(out);
  if (!m?.[1]) throw new Error(`unexpected first line: ${out}`);
  return {
    url: m[1],
    proc,
    logs,
    async kill() {
      if (proc.exitCode === null) proc.kill("SIGKILL");
      await proc.exited;
    },
  };
}
