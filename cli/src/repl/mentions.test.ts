import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walk } from "@loom/plugin-fs/walk";
import { attachMentions, findMentions, MENTION_MAX_BYTES } from "./mentions.ts";

let root: string;
let ws: string;
const PNG = Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), Buffer.alloc(16)]);

const listDir = async (rel: string): Promise<string[]> => {
  const names: string[] = [];
  const cut = rel === "" ? 0 : rel.length + 1;
  await walk({
    root: ws,
    start: rel,
    recursive: false,
    visit: (e) => void names.push(e.rel.slice(cut) + (e.kind === "dir" ? "/" : "")),
  });
  return names;
};
const attach = (text: string, images = true) => attachMentions(text, ws, { images, listDir });

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), "loom-mentions-")));
  ws = join(root, "ws");
  mkdirSync(join(ws, "src", "deep"), { recursive: true });
  mkdirSync(join(ws, "build"));
  mkdirSync(join(root, "outside"));
  writeFileSync(join(ws, "src", "a.ts"), "export const a = 1;\n");
  writeFileSync(join(ws, "src", "deep", "b.ts"), "b\n");
  writeFileSync(join(ws, "build", "out.js"), "x\n");
  writeFileSync(join(ws, ".gitignore"), "build/\n");
  writeFileSync(join(ws, "big.txt"), "y".repeat(MENTION_MAX_BYTES * 3));
  writeFileSync(join(ws, "bin.dat"), Buffer.from([1, 0, 2, 3]));
  writeFileSync(join(ws, "shot.png"), PNG);
  writeFileSync(join(ws, "fake.png"), "not a png");
  writeFileSync(join(root, "outside", "secret.txt"), "SECRET\n");
  symlinkSync(join(root, "outside", "secret.txt"), join(ws, "leak.txt"));
  symlinkSync(join(root, "outside"), join(ws, "linkdir"));
  symlinkSync(join(ws, "src", "a.ts"), join(ws, "alias.ts"));
  Bun.spawnSync(["mkfifo", join(ws, "pipe")]);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("@ mentions", () => {
  test("found at word starts, quoted paths with spaces; emails are not mentions", () => {
    expect(findMentions('read @src/a.ts and @"my file.md", mail me@x.org').map((m) => m.path)).toEqual([
      "src/a.ts",
      "my file.md",
    ]);
  });

  test("a file's content is attached after the text; trailing punctuation is not part of the path", async () => {
    const r = await attach("explain @src/a.ts.");
    expect(r.text).toBe('explain @src/a.ts.\n\n<context ref="src/a.ts">\nexport const a = 1;\n\n</context>');
    expect(r.notes).toEqual(["attached @src/a.ts. (20 B)"]);
  });

  test("a directory attaches its listing, without ignored entries; a file mentioned twice once", async () => {
    const r = await attach("@./ and @src/ and @src/");
    expect(r.text).toContain('<context ref="./">\n.gitignore\nalias.ts\nbig.txt');
    expect(r.text).not.toContain("build/");
    expect(r.text).toContain('<context ref="src/">\na.ts\ndeep/\n</context>');
    expect(r.text.match(/ref="src\/"/g)).toHaveLength(1);
  });

  test("nothing outside the workspace: .., absolute paths, ~, links out (last component or along the way)", async () => {
    const r = await attach(
      `@../outside/secret.txt @${join(root, "outside", "secret.txt")} @~/x @leak.txt @linkdir/secret.txt @linkdir/`,
    );
    expect(r.text).not.toContain("SECRET");
    expect(r.text).not.toContain("<context");
    expect(r.notes).toEqual([
      "@../outside/secret.txt not attached: it is outside the workspace",
      `@${join(root, "outside", "secret.txt")} not attached: it is outside the workspace`,
      "@~/x not attached: it is outside the workspace",
      "@leak.txt not attached: it is a link out of the workspace",
      "@linkdir/secret.txt not attached: it is a link out of the workspace",
      "@linkdir/ not attached: it is a link out of the workspace",
    ]);
  });

  test("a link inside the workspace is read; a FIFO is refused without hanging; binary files refused", async () => {
    const r = await attach("@alias.ts @pipe @bin.dat");
    expect(r.text).toContain('<context ref="src/a.ts">');
    expect(r.notes.slice(1)).toEqual([
      "@pipe not attached: it is not a regular file",
      "@bin.dat not attached: it is a binary file",
    ]);
  });

  test("a huge file is cut at the cap, and says so", async () => {
    const r = await attach("@big.txt");
    expect(r.text.length).toBeLessThan(MENTION_MAX_BYTES + 500);
    expect(r.text).toContain("[… cut: the first 100.0 KB of 300.0 KB]");
    expect(r.notes).toEqual(["attached @big.txt (the first 100.0 KB of 300.0 KB)"]);
  });

  test("images go beside the text for a model that takes them, checked by their bytes", async () => {
    const r = await attach("@shot.png @fake.png");
    expect(r.images).toEqual([{ mimeType: "image/png", data: PNG.toString("base64") }]);
    expect(r.text).toBe("@shot.png @fake.png");
    expect(r.notes[1]).toBe("@fake.png not attached: it is not a PNG image");
    const no = await attach("@shot.png", false);
    expect(no.images).toEqual([]);
    expect(no.notes).toEqual(["@shot.png not attached: this model does not take images"]);
  });

  test("a missing path is said when it looks like one; a bare @name is left alone", async () => {
    const r = await attach("ask @alice about @src/nope.ts");
    expect(r.notes).toEqual(["@src/nope.ts not attached: no such file in the workspace"]);
    expect(r.text).toBe("ask @alice about @src/nope.ts");
  });
});
