/**
 * What `bun run mutate` mutates: the security- and correctness-critical modules, each with the tests
 * that must notice a change to it. `functions` narrows a module to the part that is the target.
 * `equivalent` lists mutants that cannot change behaviour (checked by hand), by the exact original
 * text and replacement, with the reason; they are left out of the score and listed separately.
 */
export interface MutationTarget {
  name: string;
  file: string;
  tests: string[];
  functions?: string[];
  equivalent?: { original: string; replacement: string; line?: number; column?: number; reason: string }[];
}

export const SCORE_GOAL = 0.85;

export const TARGETS: MutationTarget[] = [
  {
    name: "workspace-path",
    file: "runtime/src/tools/workspace-path.ts",
    tests: ["runtime/src/tools/workspace-path.test.ts"],
    equivalent: [
      {
        original: "parent === abs",
        replacement: "false",
        reason: "only reached for `/`, whose realpath never fails",
      },
      {
        original: "return abs;",
        replacement: "{}",
        reason: "only reached for `/`, whose realpath never fails",
      },
      {
        original: "false",
        replacement: "true",
        reason: "isLink is always overwritten by lstat or the function returns",
      },
    ],
  },
  {
    name: "own-file",
    file: "runtime/src/own-file.ts",
    tests: ["runtime/src/own-file.test.ts"],
    equivalent: [
      {
        original: "root === undefined",
        replacement: "false",
        reason:
          "without a root, open and realpath fail alike (ELOOP, ENAMETOOLONG) except EACCES, which a root test run cannot produce",
      },
      {
        original: "throw refused(path, describe(e));",
        replacement: "{}",
        line: 70,
        reason:
          "without a root, open and realpath fail alike (ELOOP, ENAMETOOLONG) except EACCES, which a root test run cannot produce",
      },
      { original: "1", replacement: "2", line: 124, reason: "a buffer one byte longer reads the same bytes" },
      { original: "1", replacement: "2", line: 126, reason: "any positive start value enters the loop" },
      {
        original: "<",
        replacement: "<=",
        line: 127,
        reason: "a read of 0 bytes at the end returns 0 and stops the loop",
      },
      {
        original: '(e as NodeJS.ErrnoException | undefined)?.code ?? ""',
        replacement: "(e as NodeJS.ErrnoException | undefined)?.code",
        reason: 'undefined and "" are both absent from MISSING and both falsy in describe',
      },
    ],
  },
  {
    name: "permissions",
    file: "runtime/src/plugins/permissions.ts",
    tests: ["runtime/src/plugins/permissions.test.ts"],
    equivalent: [
      {
        original: "declared.length === 0",
        replacement: "false",
        reason: "nothing declared intersects to nothing, and consent is only asked when something is missing",
      },
      {
        original: 'prefix === "."',
        replacement: "false",
        reason: 'resolveInWorkspace(root, ".") is the canonical root itself',
      },
      {
        original: '"."',
        replacement: '""',
        line: 120,
        reason: 'resolveInWorkspace(root, ".") is the canonical root itself',
      },
      {
        original: "return isInside(canonicalRoot, abs);",
        replacement: "{}",
        reason: 'resolveInWorkspace(root, ".") is the canonical root itself',
      },
    ],
  },
  {
    name: "sandbox-args",
    file: "runtime/src/sandbox/bwrap-args.ts",
    tests: ["runtime/src/sandbox/bwrap-args.test.ts", "tests/sandbox/escape.test.ts"],
  },
  {
    name: "sandbox-policy",
    file: "runtime/src/sandbox/policy.ts",
    tests: ["runtime/src/sandbox/policy.test.ts"],
  },
  {
    name: "capabilities",
    file: "runtime/src/tools/capabilities.ts",
    tests: ["runtime/src/tools/capabilities.test.ts"],
  },
  {
    name: "redact",
    file: "server/src/redact.ts",
    tests: ["server/src/redact-forms.test.ts", "server/src/redact.test.ts"],
    equivalent: [
      {
        original: "c.codePointAt(0) ?? 0",
        replacement: "c.codePointAt(0)",
        reason: "c is one character of a non-empty string: codePointAt(0) is never undefined",
      },
      {
        original: "0",
        replacement: "1",
        line: 22,
        column: 36,
        reason: "the `?? 0` default is never used (see above); codePointAt(1) is killed by the \\u tests",
      },
      {
        original: "code <= 0xffff",
        replacement: "true",
        reason:
          "only adds a \\u form for characters past U+FFFF, which JSON never writes that way: a wider match, never a leak",
      },
      {
        original: "<=",
        replacement: "<",
        line: 26,
        reason: "differs only for U+FFFF, a noncharacter no key contains",
      },
      {
        original: "0xffff",
        replacement: "65536",
        reason:
          "differs only for U+10000, whose \\u10000 form no encoder writes: a wider match, never a leak",
      },
      {
        original: "/=+$/",
        replacement: "/=+/",
        reason: "base64 text has `=` only at its end",
      },
      {
        original: "8",
        replacement: "9",
        line: 42,
        column: 48,
        reason: "ceil(offset * 9 / 6) equals ceil(offset * 8 / 6) for the offsets used (0, 1, 2)",
      },
      {
        original: "6",
        replacement: "7",
        line: 42,
        column: 53,
        reason: "for the start index, ceil(offset * 8 / 7) equals ceil(offset * 8 / 6) for offsets 0, 1, 2",
      },
      {
        original: "core.length < MIN_SECRET_LENGTH",
        replacement: "false",
        reason: "secrets are at least 8 bytes, so every core is at least 10 characters",
      },
      {
        original: "<",
        replacement: "<=",
        line: 43,
        reason: "secrets are at least 8 bytes, so no core is exactly 8 characters",
      },
      {
        original: "{\n      continue;\n    }",
        replacement: "{}",
        line: 43,
        reason: "the guard never fires (see above)",
      },
      {
        original: "!p",
        replacement: "true",
        reason: "only the cache: the pattern is compiled again, with the same result",
      },
    ],
  },
  {
    name: "thread-store-version",
    file: "server/src/threads/store.ts",
    functions: ["put", "softDelete", "setVisibility"],
    tests: ["server/src/threads/store-version.test.ts", "server/src/threads/store.test.ts"],
    equivalent: [
      {
        original: "cur?.ftsRowid ?? nextFtsRowid.get()?.n ?? 1",
        replacement: "cur?.ftsRowid ?? nextFtsRowid.get()?.n",
        reason: "the query is an aggregate with coalesce: it always answers a row with a number",
      },
      {
        original: "1",
        replacement: "2",
        line: 126,
        column: 68,
        reason: "the `?? 1` default is never used (see above)",
      },
      {
        original: "thread.title ?? null",
        replacement: "thread.title",
        reason: "bun:sqlite binds undefined as NULL",
      },
    ],
  },
  {
    name: "thread-policy",
    file: "server/src/threads/policy.ts",
    tests: ["server/src/threads/policy.test.ts"],
  },
  {
    name: "machine",
    file: "runtime/src/machine/transition.ts",
    equivalent: [
      {
        original: "config.mutatingTools ?? DEFAULT_MACHINE_CONFIG.mutatingTools",
        replacement: "config.mutatingTools",
        reason: "the default is [] and new Set(undefined) is empty too",
      },
    ],
    tests: [
      "runtime/src/machine/transition.test.ts",
      "runtime/src/machine/transition-edges.test.ts",
      "runtime/src/machine/properties.test.ts",
    ],
  },
  {
    name: "backoff",
    file: "runtime/src/machine/backoff.ts",
    tests: ["runtime/src/machine/backoff.test.ts"],
  },
];
