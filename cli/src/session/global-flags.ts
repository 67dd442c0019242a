/**
 * Flags shared by the commands that start a session (`loom`, `run`, `resume`, `private`), and the
 * rule that makes `loom` with no command (or only these flags) open the REPL.
 */
import type { ArgsDef } from "citty";

export const sessionArgs = {
  provider: {
    type: "string",
    description:
      "Provider: anthropic, openai, vertex, a provider plugin, or one configured as [providers.<name>] (`loom models` lists them all)",
  },
  model: { type: "string", description: "Model id (default: from config, else the provider's default)" },
  "permission-mode": {
    type: "string",
    description:
      "ask | auto | read-only (ask: confirm each change; headless runs refuse changes they cannot ask about)",
  },
  sandbox: {
    type: "string",
    description:
      "read-only | workspace-write | danger-full-access: where commands run (default: workspace-write; read-only with --permission-mode read-only)",
  },
  workspace: { type: "string", description: "Workspace directory (default: the current directory)" },
  "max-steps": {
    type: "string",
    description: "Model requests per turn before stopping (or asking to go on); 0 = no limit (default 100)",
  },
  "server-url": { type: "string", description: "Team server URL (LLM proxy and thread sync)" },
} as const satisfies ArgsDef;

const VALUE_FLAGS = new Set(Object.keys(sessionArgs).map((k) => `--${k}`));

/** `loom`, `loom --model x`, `loom --workspace=/w` → `loom repl …`; anything else unchanged. */
export function replArgv(argv: string[]): string[] {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    const name = a.split("=")[0] ?? "";
    if (!VALUE_FLAGS.has(name)) return argv;
    if (!a.includes("=")) i++;
  }
  return ["repl", ...argv];
}
