import { formatError } from "@loom/runtime/errors";
import { VERSION } from "@loom/runtime/version";
import { type ArgsDef, type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import { subCommands } from "./commands/index.ts";
import { replArgv } from "./session/global-flags.ts";

export const root = defineCommand({
  meta: {
    name: "loom",
    version: VERSION,
    description: "Loom, the coding agent. Run `loom <command> --help` for details.",
  },
  subCommands,
});

/** Thrown by commands for bad usage: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Thrown by commands that already printed their error and want a specific exit code. */
export class ExitError extends Error {
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
  }
}

async function resolve<T>(v: T | Promise<T> | (() => T | Promise<T>)): Promise<T> {
  return typeof v === "function" ? (v as () => T | Promise<T>)() : v;
}

/** Walks the argv to the command that will run, with the parent chain for usage text. */
async function resolveLeaf(
  argv: string[],
): Promise<{ cmd: CommandDef<ArgsDef>; parent?: CommandDef<ArgsDef>; rest: string[]; path: string[] }> {
  let cmd: CommandDef<ArgsDef> = root as CommandDef<ArgsDef>;
  let parent: CommandDef<ArgsDef> | undefined;
  let rest = argv;
  const path: string[] = [];
  for (;;) {
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    if (!subs) break;
    const idx = rest.findIndex((a) => !a.startsWith("-"));
    const name = idx >= 0 ? rest[idx] : undefined;
    if (name === undefined || !(name in subs)) break;
    parent = cmd;
    cmd = (await resolve(subs[name])) as CommandDef<ArgsDef>;
    rest = rest.slice(idx + 1);
    path.push(name);
  }
  return { cmd, parent, rest, path };
}

function checkFlags(args: ArgsDef, rest: string[]): string | undefined {
  const known = new Set<string>(["help", "h"]);
  for (const [name, def] of Object.entries(args)) {
    known.add(name);
    known.add(name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
    if (def.type === "boolean") known.add(`no-${name}`);
    const alias = "alias" in def ? def.alias : undefined;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) known.add(a);
  }
  for (const a of rest) {
    if (a === "--") break;
    if (!a.startsWith("-") || a === "-") continue;
    const name = a.replace(/^-{1,2}/, "").split("=")[0] ?? "";
    if (!known.has(name)) return `unknown option '${a}'`;
  }
  return undefined;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    // `loom` alone, or with only session flags, opens the REPL.
    const { cmd, parent, rest, path } = await resolveLeaf(replArgv(argv));
    const wantsHelp = rest.some((a) => a === "--help" || a === "-h");
    if (wantsHelp) {
      process.stdout.write(`${await renderUsage(cmd, parent)}\n`);
      return 0;
    }
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    if (subs && !cmd.run && !cmd.default) {
      const unknown = rest.find((a) => !a.startsWith("-"));
      if (unknown !== undefined) {
        process.stderr.write(
          `loom: unknown command '${[...path, unknown].join(" ")}' (see \`${["loom", ...path].join(" ")} --help\`)\n`,
        );
        return 2;
      }
    }
    const args = cmd.args ? await resolve(cmd.args) : {};
    const bad = checkFlags(args, rest);
    if (bad) {
      process.stderr.write(`loom${path.length ? ` ${path.join(" ")}` : ""}: ${bad} (see --help)\n`);
      return 2;
    }
    if (subs && !cmd.run && !cmd.default) {
      process.stdout.write(`${await renderUsage(cmd, parent)}\n`);
      return path.length === 0 ? 0 : 2;
    }
    await runCommand(cmd, { rawArgs: rest });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof ExitError) return e.exitCode;
    if (e instanceof UsageError) {
      process.stderr.write(`loom: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`loom: ${formatError(e)}\n`);
    return 1;
  }
}
