import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webAssetsFromBase64, webAssetsFromDir } from "@loom/server/web-assets";
import { webAssetsModule } from "./web-assets-module.ts";

test("the generated module carries every built file byte for byte", async () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-web-assets-"));
  try {
    const dist = join(dir, "dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(
      join(dist, "index.html"),
      "<!doctype html><script type=module src=/assets/a-1.js></script>",
    );
    writeFileSync(join(dist, "assets/a-1.js"), "console.log('é')");
    writeFileSync(join(dist, "assets/b.png"), new Uint8Array([0, 255, 10, 13]));
    writeFileSync(join(dir, "gen.ts"), webAssetsModule(dist));
    const { files } = (await import(join(dir, "gen.ts"))) as { files: Record<string, string> };
    const carried = webAssetsFromBase64(files);
    const onDisk = webAssetsFromDir(dist);
    expect([...carried.keys()].sort()).toEqual(["/assets/a-1.js", "/assets/b.png", "/index.html"]);
    for (const [path, asset] of onDisk ?? []) {
      expect(Buffer.from(carried.get(path)?.body ?? []).equals(Buffer.from(asset.body))).toBe(true);
      expect(carried.get(path)?.type).toBe(asset.type);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
