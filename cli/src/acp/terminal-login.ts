/**
 * `loom acp-agent --login`: ACP's terminal auth method. The editor runs it in a terminal. With a
 * team server (`[server] url`) it signs in with a device code, as `loom login` does (shows the code
 * and URL, waits for approval in the browser, saves the session token 0600); otherwise it asks for
 * the session provider's API key and saves it as `[providers.<name>] api_key` in the user's config
 * file (mode 0600). Exit 0 means signed in (ACP: zero exit = success).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { formatError } from "@loom/runtime/errors";
import { type Env, userConfigFile } from "@loom/runtime/paths";
import { providerType } from "../providers.ts";
import { createSessionLlm } from "../session/llm.ts";
import { resolveStart } from "../session/setup.ts";
import type { EngineFlags } from "./loom-engine.ts";

export interface TerminalLoginOptions {
  flags: EngineFlags;
  env: Env;
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  print(line: string): void;
}

/** Whether the session's model can be reached now; the error's line when not. */
async function reachable(flags: EngineFlags, env: Env): Promise<string | undefined> {
  try {
    const { config, provider } = resolveStart({ ...flags }, env);
    await createSessionLlm(config, provider, env);
    return undefined;
  } catch (e) {
    return formatError(e);
  }
}

/** Runs the sign-in; the process's exit code. */
export async function terminalLogin(o: TerminalLoginOptions): Promise<number> {
  const { config, provider } = resolveStart({ ...o.flags }, o.env);
  const before = await reachable(o.flags, o.env);
  if (!before) {
    o.print(`Signed in already: ${provider} has its credentials.`);
    return 0;
  }
  if (!before.startsWith("MISSING_CREDENTIALS")) {
    o.print(before);
    return 1;
  }
  if (config.server.url) {
    const { deviceLogin } = await import("../session/device-login.ts");
    try {
      const { base, userId } = await deviceLogin(config.server.url, {
        env: o.env,
        print: o.print,
        clientName: "loom acp-agent",
      });
      o.print(`Signed in to ${base} as ${userId}.`);
      return 0;
    } catch (e) {
      o.print(formatError(e));
      return 1;
    }
  }
  if (providerType(provider, config.providers as Record<string, Record<string, unknown>>) === "vertex") {
    o.print(
      `${provider} uses Google Cloud credentials: set GOOGLE_CLOUD_PROJECT and run \`gcloud auth application-default login\`.`,
    );
    return 1;
  }
  const file = userConfigFile(o.env);
  const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
  const table = (Bun.TOML.parse(existing) as { providers?: Record<string, unknown> }).providers?.[provider];
  if (table !== undefined) {
    o.print(`${file} already has [providers.${provider}]: put api_key = "…" in it yourself.`);
    return 1;
  }
  const key = (await readSecret(o, `${provider} API key (saved to ${file}): `)).trim();
  if (!key || /\s/.test(key)) {
    o.print(key ? "The key must be one word; nothing saved." : "No key given; nothing saved.");
    return 1;
  }
  const name = /^[A-Za-z0-9_-]+$/.test(provider) ? provider : JSON.stringify(provider);
  const text = `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}\n[providers.${name}]\napi_key = ${JSON.stringify(key)}\n`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  const problem = await reachable(o.flags, o.env);
  o.print(
    problem ? `Saved, but the key is not usable: ${problem}` : `Signed in: ${provider} key saved to ${file}.`,
  );
  return problem ? 1 : 0;
}

/** One line from the terminal, not echoed when it is one. */
async function readSecret(o: TerminalLoginOptions, question: string): Promise<string> {
  const rl = createInterface({ input: o.input, terminal: false });
  const quiet = o.input.isTTY === true;
  process.stdout.write(question);
  if (quiet) Bun.spawnSync(["stty", "-echo"], { stdin: "inherit" });
  try {
    for await (const line of rl) return line;
    return "";
  } finally {
    if (quiet) {
      Bun.spawnSync(["stty", "echo"], { stdin: "inherit" });
      process.stdout.write("\n");
    }
    rl.close();
  }
}
