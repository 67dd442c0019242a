/**
 * The shipped bundle, not the sources: built as `bun run build` builds it, loaded by plain Node
 * (what VS Code runs extensions on), activated against a stub `vscode`, it starts the real agent.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSandbox, MAIN } from "../../tests/acp/harness.ts";

describe("extension bundle under Node", () => {
  test("the CommonJS bundle activates in Node and connects to loom acp-agent", async () => {
    const out = mkdtempSync(join(tmpdir(), "loom-vsix-"));
    const sb = await createSandbox({ turns: [] });
    try {
      const built = Bun.spawnSync(
        [
          process.execPath,
          "build",
          join(import.meta.dir, "../src/extension.ts"),
          "--target",
          "node",
          "--format",
          "cjs",
          "--external",
          "vscode",
          "--outfile",
          join(out, "extension.js"),
        ],
        { stdout: "pipe", stderr: "pipe" },
      );
      expect(built.exitCode).toBe(0);
      const node = Bun.spawnSync(
        ["node", join(import.meta.dir, "node-activate.cjs"), join(out, "extension.js"), sb.workspace, MAIN],
        { env: sb.env, stdout: "pipe", stderr: "pipe", timeout: 30_000 },
      );
      expect(node.stderr.toString()).toBe("");
      const report = JSON.parse(node.stdout.toString()) as {
        node: string;
        state: { agent: { status: string } };
        log: string[];
      };
      expect(report.node).toStartWith("v");
      expect(report.state.agent.status).toBe("ready");
      expect(report.log.some((l) => /connected to loom \d+\.\d+/.test(l))).toBe(true);
      expect(report.log.some((l) => l.includes(`acp-agent in ${sb.workspace}`))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
      await sb.cleanup();
    }
  });
});
