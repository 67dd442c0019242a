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
  equivalent?: { original: string; replacement: string; line?: number; reason: string }[];
}

export const SCORE_GOAL = 0.85;

export const TARGETS: MutationTarget[] = [
  {
    name: "workspace-path",
    file: "runtime/src/tools/workspace-path.ts",
    tests: ["runtime/src/tools/workspace-path.test.ts"],
  },
  {
    name: "permissions",
    file: "runtime/src/plugins/permissions.ts",
    tests: ["runtime/src/plugins/permissions.test.ts"],
  },
  {
    name: "capabilities",
    file: "runtime/src/tools/capabilities.ts",
    tests: ["runtime/src/tools/capabilities.test.ts"],
  },
  {
    name: "redact",
    file: "server/src/redact.ts",
    tests: ["server/src/redact-forms.test.ts"],
  },
  {
    name: "thread-store-version",
    file: "server/src/threads/store.ts",
    functions: ["put", "softDelete", "setVisibility"],
    tests: ["server/src/threads/store-version.test.ts"],
  },
  {
    name: "thread-policy",
    file: "server/src/threads/policy.ts",
    tests: ["server/src/threads/policy.test.ts"],
  },
  {
    name: "machine",
    file: "runtime/src/machine/transition.ts",
    tests: ["runtime/src/machine/transition.test.ts", "runtime/src/machine/properties.test.ts"],
  },
  {
    name: "backoff",
    file: "runtime/src/machine/backoff.ts",
    tests: ["runtime/src/machine/backoff.test.ts"],
  },
];
