/** End-to-end tests run the real `loom` command on a copy of tests/fixtures/sample-repo. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { createSandbox, type Sandbox } from "../cli/_harness.ts";

export const ROOT = join(import.meta.dir, "../..");
const SAMPLE = join(ROOT, "tests/fixtures/sample-repo");

/** The CLI tests' sandbox (temporary HOME and XDG dirs, a git repo) holding the sample project. */
export function sampleSandbox(): Sandbox {
  const files: Record<string, string> = {};
  for (const name of readdirSync(SAMPLE, { recursive: true }) as string[]) {
    const path = join(SAMPLE, name);
    if (statSync(path).isFile()) files[relative(SAMPLE, path)] = readFileSync(path, "utf8");
  }
  return createSandbox(files);
}
