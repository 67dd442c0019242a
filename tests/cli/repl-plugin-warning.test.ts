/**
 * The REPL in a real terminal (tmux) with a plugin that cannot be loaded: the warning arrives
 * after the prompt is drawn (the session starts in the background) and is printed on its own
 * line above the prompt, never on the prompt line, keeping what was typed.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, MAIN } from "./_harness.ts";

const hasTmux = Bun.which("tmux") !== null && Bun.spawnSync(["tmux", "-V"]).exitCode === 0;
const socket = join(tmpdir(), `loom-tmux-warn-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
const sb = createSandbox({ ".loom/plugins/broken/loom-plugin.json": "{" });

const tmux = (...args: string[]): string => Bun.spawnSync(["tmux", "-S", socket, ...args]).stdout.toString();
const screen = () => tmux("capture-pane", "-p", "-J", "-t", "loom");

afterAll(() => {
  tmux("kill-server");
  rmSync(socket, { force: true });
  sb.cleanup();
});

async function waitFor(text: string): Promise<string> {
  for (let i = 0; i < 300; i++) {
    const s = screen();
    if (s.includes(text)) return s;
    await Bun.sleep(50);
  }
  throw new Error(`timed out waiting for ${text}; screen:\n${screen()}`);
}

test.skipIf(!hasTmux)(
  "a plugin warning is printed above the prompt, not on it",
  async () => {
    const env = { ...sb.env, ANTHROPIC_API_KEY: "k", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" };
    const envArgs = Object.entries(env).map(([k, v]) => `${k}=${v}`);
    const cmd = ["env", ...envArgs, "bun", MAIN].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(" ");
    tmux("new-session", "-d", "-s", "loom", "-x", "160", "-y", "30", "-c", sb.workspace, cmd);
    await waitFor("› ");
    tmux("send-keys", "-t", "loom", "typed");
    const s = await waitFor("plugin warning:");
    const lines = s.split("\n").filter((l) => l.trim());
    const warning = lines.find((l) => l.includes("plugin warning:")) ?? "";
    expect(warning).toStartWith("plugin warning: PLUGIN_INVALID: ");
    expect(warning).toContain(".loom/plugins/broken/loom-plugin.json: not valid JSON");
    // The prompt comes back below the warning, with what was typed.
    await waitFor("› typed");
    const after = screen()
      .split("\n")
      .filter((l) => l.trim());
    expect(after.findIndex((l) => l.startsWith("› typed"))).toBeGreaterThan(
      after.findIndex((l) => l.includes("plugin warning:")),
    );
    tmux("send-keys", "-t", "loom", "C-u", "C-d");
  },
  60_000,
);
