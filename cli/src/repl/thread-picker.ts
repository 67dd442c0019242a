/** The thread picker: the workspace's threads in `pick`, on a raw terminal or inside the REPL. */
import type { ThreadSummary } from "@loom/runtime/threads/store";
import { terminalSafe } from "../terminal-safe.ts";
import { inverseOf } from "./editor-render.ts";
import { createKeyDecoder } from "./keys.ts";
import { type PickerIo, type PickItem, pick } from "./picker.ts";
import type { Style } from "./style.ts";

export const PICKER_TITLE = "Resume a thread: type to search, ↑↓ to move, Enter to open, Esc to cancel";

export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, (now - Date.parse(iso)) / 1000);
  if (s < 90) return `${Math.round(s)}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  if (s < 129_600) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

export function threadItems(threads: readonly ThreadSummary[], now = Date.now()): PickItem[] {
  return threads.map((t) => ({
    id: t.id,
    label: terminalSafe(t.title) || "(untitled)",
    hint: `· ${ago(t.updatedAt, now)} · ${t.messageCount} messages · ${t.id}`,
  }));
}

export const pickThread = (threads: readonly ThreadSummary[], io: PickerIo): Promise<string | undefined> =>
  pick(PICKER_TITLE, threadItems(threads), io);

/** A picker on the terminal before the REPL starts (`loom resume`): raw mode while it is shown. */
export function rawTerminalIo(
  stdin: NodeJS.ReadStream,
  stdout: NodeJS.WriteStream,
  style: Style,
  color: boolean,
): PickerIo {
  return {
    write: (s) => void stdout.write(s),
    columns: () => stdout.columns || 80,
    dim: style.dim,
    inverse: inverseOf(color),
    keys(fn) {
      const decoder = createKeyDecoder();
      const onData = (d: Buffer | string) => {
        for (const k of decoder.feed(d.toString())) fn(k);
      };
      stdin.setRawMode(true);
      stdin.on("data", onData);
      stdin.resume();
      return () => {
        stdin.off("data", onData);
        stdin.setRawMode(false);
        stdin.pause();
      };
    },
  };
}
