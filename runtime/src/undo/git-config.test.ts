import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseGitConfig } from "./git-config.ts";

const dir = mkdtempSync(join(tmpdir(), "loom-gitconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `git config --file f --list`: what git itself reads from `text`. */
function gitList(text: string): string[] | undefined {
  const file = join(dir, "config");
  writeFileSync(file, text);
  const p = Bun.spawnSync(["git", "config", "--file", file, "--list", "-z"], {
    stdout: "pipe",
    stderr: "pipe",
  });
  if (p.exitCode !== 0) return undefined;
  // -z: `name\nvalue` per entry (just `name` for a bare boolean), NUL-terminated.
  return p.stdout
    .toString()
    .split("\0")
    .filter(Boolean)
    .map((e) => e.replace("\n", "="));
}

function ourList(text: string): string[] | undefined {
  const parsed = parseGitConfig(text);
  if (!parsed.ok) return undefined;
  return parsed.entries.map((e) => {
    const name = [e.section, ...(e.subsection === undefined ? [] : [e.subsection]), e.key].join(".");
    return e.value === true ? name : `${name}=${e.value}`;
  });
}

const CASES = [
  "[core]\n\tbare = false\n\tfilemode\n",
  '[remote "origin"]\n\turl = https://example.com/a.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n',
  '[Remote "Origin"]\n  URL =   spaced value   # comment\n',
  '[url "https://github.com/"]\n\tinsteadOf = gh:\n\tinsteadOf = github:\n',
  '[a "sub \\"quoted\\" \\\\ back"]\n\tk = "v; not # a comment"\n',
  "[core.Sub]\n\tKey = x\n",
  "[s]\n\tk = line one\\\n continued\n",
  '[s]\n\tk = "tab\\there" and\\nnewline\n',
  "# leading comment\n; another\n[s] k = same line\n",
  '[s]\n\tk = "a" "b"  c\n',
  "[s]\r\n\tk = crlf\r\n",
  "[s]\n\tk = \n",
];

/** Files we refuse (the caller then asks git): broken ones, and a variable before any section. */
const REFUSED = [
  "[s\n\tk = v\n",
  "k = outside\n",
  '[s]\n\tk = "unterminated\n',
  "[s]\n\tk = bad \\q escape\n",
];

test.each(CASES)("reads %p as git does", (text) => {
  expect(ourList(text)).toBeDefined();
  expect(ourList(text)).toEqual(gitList(text));
});

test.each(REFUSED)("refuses %p rather than guess", (text) => {
  expect(ourList(text)).toBeUndefined();
});
