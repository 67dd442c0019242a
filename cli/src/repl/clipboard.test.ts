/**
 * The clipboard tools need a desktop (an X server, a Wayland compositor, macOS) that tests do not
 * have: a stand-in `xclip` on PATH answers as the real one does (`-t TARGETS -o` lists the types,
 * `-t <type> -o` writes the bytes).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { clipboardImage, clipboardTool } from "./clipboard.ts";

let dir: string;
const PNG = Buffer.from("89504e470d0a1a0a0000", "hex");

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "loom-clip-"));
  writeFileSync(
    join(dir, "xclip"),
    `#!/bin/sh
case "$*" in
  *TARGETS*) printf 'TARGETS\\ntext/plain\\n'; [ -n "$CLIP_IMAGE" ] && printf 'image/png\\n' ;;
  *image/png*) cat "$CLIP_IMAGE" ;;
  *) exit 1 ;;
esac
`,
  );
  chmodSync(join(dir, "xclip"), 0o755);
  writeFileSync(join(dir, "shot.png"), PNG);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = (extra: Record<string, string> = {}) => ({
  PATH: `${dir}:/usr/bin:/bin`,
  DISPLAY: ":0",
  ...extra,
});

test("the tool follows the desktop: xclip under X11, none without a display", () => {
  expect(clipboardTool(env(), "linux")).toBeDefined();
  expect(clipboardTool({ PATH: dir }, "linux")).toBeUndefined();
  expect(clipboardTool({ PATH: "/nonexistent", DISPLAY: ":0" }, "linux")).toBeUndefined();
});

test("an image on the clipboard comes back as base64 PNG; none is a reason", async () => {
  expect(await clipboardImage(env({ CLIP_IMAGE: join(dir, "shot.png") }))).toEqual({
    mimeType: "image/png",
    data: PNG.toString("base64"),
  });
  expect(await clipboardImage(env())).toBe("the clipboard holds no image");
  expect(await clipboardImage({ PATH: dir })).toMatch(/^no clipboard tool found/);
});
