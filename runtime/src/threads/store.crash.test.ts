import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isValidThread } from "./store.ts";

test("kill -9 during saves leaves every thread file valid", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-crash-"));
  try {
    let checked = 0;
    for (let round = 0; round < 8; round++) {
      const proc = Bun.spawn(["bun", join(import.meta.dir, "_crash-writer.ts"), dir, "3"], {
        stdout: "pipe",
      });
      const reader = proc.stdout.getReader();
      await reader.read(); // "ready"
      await Bun.sleep(5 + Math.floor(Math.random() * 60));
      proc.kill("SIGKILL");
      await proc.exited;
      expect(proc.signalCode).toBe("SIGKILL");
      for (const name of readdirSync(dir)) {
        if (!name.endsWith(".json")) continue; // leftover temp files are harmless and never read
        const value: unknown = JSON.parse(readFileSync(join(dir, name), "utf8"));
        expect(isValidThread(value)).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 30_000);
