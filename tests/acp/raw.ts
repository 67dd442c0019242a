/**
 * The real `loom acp-agent` subprocess driven line by line, without the SDK client: for what a
 * client would never send (huge lines) and for checking exactly what comes back.
 */
import { MAIN, type Sandbox } from "./harness.ts";

export interface RawAgent {
  proc: Bun.Subprocess<"pipe", "pipe", "pipe">;
  /** Every JSON line received so far, in order. */
  replies: Record<string, unknown>[];
  send(message: unknown): Promise<void>;
  /** Reads until `done` holds or the output ends (bounded); whether it holds. */
  until(done: () => boolean): Promise<boolean>;
  /** The reply to request `id` (waits for it). */
  answer(id: number | string): Promise<Record<string, unknown> | undefined>;
}

export function rawAgent(sb: Sandbox, args: string[] = [], env: Record<string, string> = sb.env): RawAgent {
  const proc = Bun.spawn([process.execPath, MAIN, "acp-agent", ...args], {
    cwd: sb.workspace,
    env,
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = proc.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const replies: Record<string, unknown>[] = [];
  let buffered = "";
  let reading: ReturnType<typeof out.read> | undefined;
  let ended = false;
  const until = async (done: () => boolean): Promise<boolean> => {
    const deadline = Date.now() + 15_000;
    while (!done() && !ended && Date.now() < deadline) {
      // A read that loses the race stays pending and is awaited next time round (its data kept).
      reading ??= out.read();
      const chunk = await Promise.race([reading, Bun.sleep(500).then(() => undefined)]);
      if (!chunk) continue;
      reading = undefined;
      if (chunk.done) {
        ended = true;
        break;
      }
      buffered += chunk.value;
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const p of parts) if (p.trim()) replies.push(JSON.parse(p));
    }
    return done();
  };
  return {
    proc,
    replies,
    async send(message) {
      proc.stdin.write(typeof message === "string" ? message : `${JSON.stringify(message)}\n`);
      await proc.stdin.flush();
    },
    until,
    async answer(id) {
      const find = () => replies.find((r) => r.id === id && ("result" in r || "error" in r));
      await until(() => find() !== undefined);
      return find();
    },
  };
}

export const rpc = (id: number, method: string, params: unknown) => ({ jsonrpc: "2.0", id, method, params });
