/**
 * `loom plugin install` at a real terminal (tmux): the permissions the plugin asks for are shown
 * and asked about before anything is installed; no installs nothing, yes installs and records the
 * grant in the user's lockfile.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createSandbox } from "./_harness.ts";
import { hasTmux, tmuxTerminal } from "./_tmux.ts";

const sb = createSandbox({ "a.txt": "a\n" });
const term = tmuxTerminal();
afterAll(() => {
  term.close();
  sb.cleanup();
});
const EDIT = join(import.meta.dir, "..", "..", "plugins", "edit");
const installed = join(sb.env["XDG_DATA_HOME"] as string, "loom/plugins/edit");

test.skipIf(!hasTmux)(
  "install shows the permissions and asks; no installs nothing, yes installs and records the grant",
  async () => {
    term.start("no", ["plugin", "install", EDIT], sb.env, sb.workspace);
    const asked = await term.waitFor("[y/N]");
    expect(asked).toContain("edit 0.1.0 asks to:\n  - read files under: .\n  - write files under: .\n");
    term.keys("n", "Enter");
    expect(await term.waitFor("exit=")).toContain("permissions not granted; nothing installed");
    expect(existsSync(installed)).toBe(false);

    term.start("yes", ["plugin", "install", EDIT], sb.env, sb.workspace);
    await term.waitFor("[y/N]");
    term.keys("y", "Enter");
    expect(await term.waitFor("exit=")).toContain(`installed edit 0.1.0 in ${installed}\nexit=0`);
    const lock = JSON.parse(
      readFileSync(join(sb.env["XDG_DATA_HOME"] as string, "loom/plugins.lock"), "utf8"),
    );
    expect(lock.plugins.edit).toMatchObject({ source: "dir", granted: { read: ["."], write: ["."] } });
  },
  60_000,
);
