/** `loom resume` at a terminal: the thread picker over the workspace's threads, before the REPL starts. */
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "@loom/runtime/paths";
import { createThreadStore } from "@loom/runtime/threads/store";
import { colorEnabled, createStyle } from "./style.ts";
import { pickThread, rawTerminalIo } from "./thread-picker.ts";

/**
 * The chosen thread's id; undefined when there is nothing to choose from (the REPL then says so
 * as for `last`); null when the user cancelled.
 */
export async function chooseThread(workspace: string): Promise<string | null | undefined> {
  let real: string;
  try {
    real = realpathSync(workspace);
  } catch {
    return undefined;
  }
  const store = createThreadStore({ dir: join(dataDir(), "threads") });
  const threads = store.list({ workspace: real, limit: 500 });
  if (threads.length === 0) return undefined;
  const color = colorEnabled(process.stdout);
  const io = rawTerminalIo(process.stdin, process.stdout, createStyle(color), color);
  return (await pickThread(threads, io)) ?? null;
}
