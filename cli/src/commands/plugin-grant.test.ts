import { describe, expect, test } from "bun:test";
import type { PluginManifest } from "@loom/runtime/plugins/manifest";
import { approveWith, covers, describePermissions } from "./plugin-grant.ts";

const manifest = {
  name: "wc",
  version: "1.0.0",
  permissions: { read: ["."], network: ["api.example.com"] },
} as unknown as PluginManifest;

function prompt(over: { yes?: boolean; interactive?: boolean; answer?: string }) {
  const shown: string[] = [];
  const asked: string[] = [];
  return {
    shown,
    asked,
    p: {
      yes: over.yes ?? false,
      interactive: over.interactive ?? false,
      out: (t: string) => shown.push(t),
      ask: async (q: string) => {
        asked.push(q);
        return over.answer ?? "";
      },
    },
  };
}

describe("approving an install", () => {
  test("shows the permissions and asks; yes grants exactly what was asked", async () => {
    const { p, shown, asked } = prompt({ interactive: true, answer: "y" });
    expect(await approveWith(p)(manifest, undefined)).toEqual({ read: ["."], network: ["api.example.com"] });
    expect(shown.join("")).toBe(
      "wc 1.0.0 asks to:\n  - read files under: .\n  - connect to: api.example.com\n",
    );
    expect(asked).toHaveLength(1);
  });
  test("no, or no terminal without --yes, stops the install", async () => {
    await expect(
      approveWith(prompt({ interactive: true, answer: "n" }).p)(manifest, undefined),
    ).rejects.toThrow("permissions not granted; nothing installed");
    await expect(approveWith(prompt({}).p)(manifest, undefined)).rejects.toThrow("pass --yes to grant them");
  });
  test("--yes grants without asking; what was granted before is not asked again", async () => {
    const yes = prompt({ yes: true });
    expect(await approveWith(yes.p)(manifest, undefined)).toEqual({
      read: ["."],
      network: ["api.example.com"],
    });
    expect(yes.asked).toEqual([]);
    const again = prompt({});
    const prev = { read: ["."], network: ["api.example.com"] };
    expect(await approveWith(again.p)(manifest, prev)).toEqual(prev);
    expect(again.shown).toEqual([]);
  });
  test("covers and describe", () => {
    expect(covers({ read: ["."] }, { read: ["."], exec: true })).toBe(false);
    expect(covers({ read: ["."], exec: true }, { exec: true })).toBe(true);
    expect(covers(undefined, {})).toBe(true);
    expect(describePermissions({ exec: true, env: ["A"], write: ["src"] })).toEqual([
      "write files under: src",
      "run commands",
      "read environment variables: A",
    ]);
  });
});
