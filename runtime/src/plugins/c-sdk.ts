/**
 * Loom's C SDK (c-sdk/loom.h), carried as text so the single `loom` binary can scaffold and build
 * C plugins without a checkout: the compiler is the system's clang (Debian: clang + lld).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error TypeScript has no declaration for a .h text import; Bun inlines it as a string
import header from "./c-sdk/loom.h" with { type: "text" };

export const C_SDK_HEADER: string = header;

/**
 * Runs `f` with a folder holding loom.h (for `-I`): the SDK's own folder from sources; inside the
 * compiled binary a temp copy, removed afterwards.
 */
export async function withCSdkInclude<T>(f: (dir: string) => Promise<T>): Promise<T> {
  if (!import.meta.url.includes("$bunfs")) return f(join(import.meta.dir, "c-sdk"));
  const tmp = mkdtempSync(join(tmpdir(), "loom-c-sdk-"));
  try {
    const dir = join(tmp, "include");
    mkdirSync(dir);
    writeFileSync(join(dir, "loom.h"), C_SDK_HEADER);
    return await f(dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
