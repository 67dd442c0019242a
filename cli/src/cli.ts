import { didYouMean } from "@loom/runtime/did-you-mean";
import { formatError } from "@loom/runtime/errors";
import { VERSION } from "@loom/runtime/version";
import { type ArgsDef, type CommandDef, defineCommand, renderUsage, runCommand } from "citty";
import { subCommands } from "./commands/index.ts";
import { examplesText, JSON_STREAMS, VARIADIC } from "./help.ts";
import { replArgv, sessionArgs } from "./session/global-flags.ts";
import { stderrStream, stdoutStream } from "./std-out.ts";
import { terminalSafe } from "./terminal-safe.ts";

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

/** Walks the argv to the command that will run; `path` names it (`["threads", "show"]`). */
async function resolveLeaf(
  argv: string[],
): Promise<{ cmd: CommandDef<ArgsDef>; rest: string[]; path: string[] }> {
  let cmd: CommandDef<ArgsDef> = root as CommandDef<ArgsDef>;
  let rest = argv;
  const path: string[] = [];
  for (;;) {
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    if (!subs) break;
    const idx = rest.findIndex((a) => !a.startsWith("-"));
    const name = idx >= 0 ? rest[idx] : undefined;
    if (name === undefined || !(name in subs)) break;
    cmd = (await resolve(subs[name])) as CommandDef<ArgsDef>;
    rest = rest.slice(idx + 1);
    path.push(name);
  }
  return { cmd, rest, path };
}

/**
 * Checks the words after the command against its args: unknown options, a value given to a
 * boolean flag, and more positionals than the command takes. Returns the problem, if any.
 */
function checkArgs(args: ArgsDef, rest: string[], variadic: boolean): string | undefined {
  const kinds = new Map<string, string>([
    ["help", "boolean"],
    ["h", "boolean"],
  ]);
  let positionals = 0;
  for (const [name, def] of Object.entries(args)) {
    if (def.type === "positional") {
      positionals++;
      continue;
    }
    const kind = def.type ?? "string";
    kinds.set(name, kind);
    kinds.set(
      name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`),
      kind,
    );
    if (def.type === "boolean") kinds.set(`no-${name}`, kind);
    const alias = "alias" in def ? def.alias : undefined;
    for (const a of Array.isArray(alias) ? alias : alias ? [alias] : []) kinds.set(a, kind);
  }
  let seen = 0;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? "";
    if (a === "--") {
      seen += rest.length - i - 1;
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      seen++;
      if (seen > positionals && !variadic) return `unexpected argument '${a}'`;
      continue;
    }
    const [name = "", value] = a.replace(/^-{1,2}/, "").split(/=(.*)/s);
    const kind = kinds.get(name);
    if (!kind) {
      const long = [...kinds.keys()].filter((k) => k.length > 1 && !k.startsWith("no-"));
      return `unknown option '${a}'${didYouMean(name, long, (k) => `--${k}`)}`;
    }
    if (kind === "boolean" && value !== undefined && value !== "true" && value !== "false")
      return `--${name} is a switch and takes no value (got '${value}')`;
    if (kind !== "boolean" && value === undefined) {
      const next = rest[++i];
      if (next !== undefined && /^-\d/.test(next))
        return `--${name} needs a value ('${next}' reads as an option; write --${name}=${next} to pass it)`;
      if (next === undefined || (next.startsWith("-") && next !== "-")) return `--${name} needs a value`;
    }
  }
  if (seen > positionals && !variadic)
    return `unexpected argument '${rest.filter((a) => !a.startsWith("-")).at(-1)}'`;
  return undefined;
}

/**
 * The first option before any command word that is not a session flag (which `loom` alone takes
 * for the REPL), with the nearest session flag; undefined when there is none.
 */
function unknownRootOption(rest: string[]): string | undefined {
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] ?? "";
    if (!a.startsWith("-") || a === "-") return undefined;
    const name = a.replace(/^-{1,2}/, "").split("=")[0] ?? "";
    if (name === "help" || name === "h") return undefined;
    if (name in sessionArgs) {
      if (!a.includes("=")) i++;
      continue;
    }
    return `unknown option '${a}'${didYouMean(name, Object.keys(sessionArgs), (k) => `--${k}`)}`;
  }
  return undefined;
}

/** citty's usage text, named by the full command path, with the command's examples. */
async function usage(cmd: CommandDef<ArgsDef>, path: string[]): Promise<string> {
  const parent =
    path.length > 0
      ? { meta: { name: ["loom", ...path.slice(0, -1)].join(" "), version: VERSION } }
      : undefined;
  const styled = await renderUsage(cmd, parent);
  // Colour only for a person at a terminal: piped help (`loom --help | less`, scripts) gets plain text.
  const text = stdoutStream().isTTY && !process.env.NO_COLOR ? styled : Bun.stripANSI(styled);
  const examples = examplesText(path);
  return examples ? `${text.trimEnd()}\n\n${examples}` : `${text.trimEnd()}\n`;
}

/** The one line for a command that cannot run, naming the command and pointing at its help. */
function usageLine(path: string[], problem: string): string {
  return `loom${path.length ? ` ${path.join(" ")}` : ""}: ${problem} (see \`${["loom", ...path].join(" ")} --help\`)\n`;
}

/** citty's own argument errors (a missing required positional or option). */
function isCittyUsageError(e: unknown): e is Error {
  return e instanceof Error && (e as { code?: unknown }).code === "EARG";
}

export async function runCli(argv: string[]): Promise<number> {
  let path: string[] = [];
  let rest: string[] = [];
  /** A usage error: one line on stderr; for a JSON event stream, its `final` event on stdout too. */
  const refuse = (line: string): number => {
    if (JSON_STREAMS.has(path.join(" ")) && rest.includes("--json")) {
      const error = line.replace(/^loom[^:]*: /, "").trim();
      stdoutStream().write(`${JSON.stringify({ type: "final", reason: "error", error })}\n`);
    }
    stderrStream().write(line);
    return 2;
  };
  try {
    // `loom help [command…]` is `loom [command…] --help`.
    const helpWords = argv[0] === "help" ? argv.slice(1) : undefined;
    // `loom` alone, or with only session flags, opens the REPL.
    const leaf = await resolveLeaf(helpWords ?? replArgv(argv));
    const { cmd } = leaf;
    path = leaf.path;
    rest = leaf.rest;
    const subs = cmd.subCommands ? await resolve(cmd.subCommands) : undefined;
    const guess = (word: string) =>
      didYouMean(word, Object.keys(subs ?? {}), (c) => `loom ${[...path, c].join(" ")}`);
    if (helpWords) {
      const unknown = rest.find((a) => !a.startsWith("-"));
      if (unknown !== undefined) {
        stderrStream().write(
          usageLine(path, `unknown command '${[...path, unknown].join(" ")}'${guess(unknown)}`),
        );
        return 2;
      }
    }
    if (helpWords || rest.some((a) => a === "--help" || a === "-h")) {
      stdoutStream().write(await usage(cmd, path));
      return 0;
    }
    if (subs && !cmd.run && !cmd.default) {
      // `loom --modle x`: the session flags are `loom`'s own options, so a typo is one of them.
      const option = path.length === 0 ? unknownRootOption(rest) : undefined;
      if (option) return refuse(usageLine(path, option));
      const unknown = rest.find((a) => !a.startsWith("-"));
      if (unknown !== undefined) {
        // `loom "fix the bug"` is a task given without `run`: say how to run it.
        const task =
          path.length === 0 && /\s/.test(unknown.trim())
            ? `; to run it as a task: loom run ${JSON.stringify(unknown)}`
            : "";
        stderrStream().write(
          `loom: unknown command '${[...path, unknown].join(" ")}'${task || guess(unknown)} (see \`${["loom", ...path].join(" ")} --help\`)\n`,
        );
        return 2;
      }
    }
    const args = cmd.args ? await resolve(cmd.args) : {};
    const bad = checkArgs(args, rest, VARIADIC.has(path.join(" ")));
    if (bad) return refuse(usageLine(path, bad));
    if (subs && !cmd.run && !cmd.default) {
      stdoutStream().write(await usage(cmd, path));
      return path.length === 0 ? 0 : 2;
    }
    await runCommand(cmd, { rawArgs: rest });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof ExitError) return e.exitCode;
    if (e instanceof UsageError) return refuse(`loom: ${e.message}\n`);
    if (isCittyUsageError(e))
      return refuse(usageLine(path, e.message.replace(/^Missing required/, "missing required")));
    // The message may quote a server, provider or file: no escape sequence of theirs reaches the terminal.
    stderrStream().write(`loom: ${terminalSafe(formatError(e))}\n`);
    return 1;
  }
}
