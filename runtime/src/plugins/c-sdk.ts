/**
 * Loom's C SDK (c-sdk/loom.h), carried as text so the single `loom` binary can scaffold and build
 * C plugins without a checkout: the compiler is the system's clang (Debian: clang + lld).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error TypeScript has no declaration for a .h text import; Bun inlines it as a string
import header from "./c-sdk/loom.h" with { type: "text" };

export const C_SDK_HEADER: string = header;

/** A folder holding loom.h for `-I`: the SDK's own folder from sources, a fresh temp copy inside the compiled binary. */
export function cSdkInclude(): string {
  const own = join(import.meta.dir, "c-sdk");
  if (!import.meta.url.includes("$bunfs")) return own;
  const dir = join(mkdtempSync(join(tmpdir(), "loom-c-sdk-")), "include");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "loom.h"), C_SDK_HEADER);
  return dir;
}
