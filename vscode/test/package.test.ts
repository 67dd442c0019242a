/**
 * `bun run package` as a user runs it: the build, then @vscode/vsce, gives an installable `.vsix`
 * holding the bundle, the webview, the manifest and the icon (and no sources or tests).
 */
import { describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");

describe("vsix", () => {
  test("bun run package builds an installable .vsix with the bundle and the manifest", () => {
    const vsix = join(root, "out/loom.vsix");
    rmSync(vsix, { force: true });
    const packed = Bun.spawnSync([process.execPath, "run", "package"], {
      cwd: root,
      stdout: "pipe",
      stderr: "pipe",
      timeout: 60_000,
    });
    expect(packed.stderr.toString()).not.toContain("ERROR");
    expect(packed.exitCode).toBe(0);
    const bytes = readFileSync(vsix);
    // A zip: local file header magic, and each entry's name stored in clear.
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const names = bytes.toString("latin1");
    for (const entry of [
      "extension.vsixmanifest",
      "extension/package.json",
      "extension/out/extension.js",
      "extension/out/webview.js",
      "extension/media/loom.svg",
    ])
      expect(names).toContain(entry);
    expect(names).not.toContain("extension/src/");
    expect(names).not.toContain("extension/test/");
  });
});
