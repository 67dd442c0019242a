/**
 * A real terminal for CLI tests: each `tmuxTerminal()` runs its own tmux server on a private
 * socket; `start` runs `loom …` in a 120×50 window that stays after exit to show `exit=<code>`.
 */
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAIN } from "./_harness.ts";

export const hasTmux = Bun.which("tmux") !== null && Bun.spawnSync(["tmux", "-V"]).exitCode === 0;

export interface Terminal {
  /** Runs `bun main.ts …args` in `cwd` with `env` added in a new window (120×50 unless `size`), which becomes the target. */
  start(
    name: string,
    args: string[],
    env: Record<string, string>,
    cwd: string,
    size?: { cols: number; rows: number },
  ): void;
  screen(): string;
  keys(...k: string[]): void;
  /** Pastes `text` as a terminal does (bracketed when the program asked for it). */
  paste(text: string): void;
  /** Waits (bounded, ~10 s) until the screen shows `text`; returns the screen. */
  waitFor(text: string | RegExp, what?: string): Promise<string>;
  /** Ends the tmux server and removes its socket. */
  close(): void;
}

export function tmuxTerminal(): Terminal {
  const socket = join(tmpdir(), `loom-tmux-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  const tmux = (...args: string[]): string =>
    Bun.spawnSync(["tmux", "-S", socket, ...args]).stdout.toString();
  let target = "";
  const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", target);
  return {
    start(name, args, env, cwd, size = { cols: 120, rows: 50 }) {
      target = name;
      const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      const quote = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
      const cmd = ["env", ...envArgs, "bun", MAIN, ...args].map(quote).join(" ");
      tmux(
        "new-session",
        "-d",
        "-s",
        name,
        "-x",
        String(size.cols),
        "-y",
        String(size.rows),
        "-c",
        cwd,
        `${cmd}; echo "exit=$?"; sleep 30`,
      );
    },
    screen,
    keys: (...k) => void tmux("send-keys", "-t", target, ...k),
    paste(text) {
      tmux("set-buffer", "-b", "loom-test", text);
      tmux("paste-buffer", "-p", "-d", "-b", "loom-test", "-t", target);
    },
    async waitFor(text, what = String(text)) {
      for (let i = 0; i < 200; i++) {
        const s = screen();
        if (typeof text === "string" ? s.includes(text) : text.test(s)) return s;
        await Bun.sleep(50);
      }
      throw new Error(`timed out waiting for ${what}; screen:\n${screen()}`);
    },
    close() {
      tmux("kill-server");
      rmSync(socket, { force: true });
    },
  };
}
