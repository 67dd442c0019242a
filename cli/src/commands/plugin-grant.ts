/**
 * What installing a plugin grants it: the permissions its manifest asks for are shown, then granted
 * on a yes at the terminal, or by `--yes`; without a terminal and without `--yes` the install stops
 * with one line saying so. A new version asking for nothing beyond what was granted before is not
 * asked about again.
 */
import { LoomError } from "@loom/runtime/errors";
import type { PluginManifest, PluginPermissions } from "@loom/runtime/plugins/manifest";
import type { ApproveInstall } from "./plugin-install.ts";

const KINDS = ["read", "write", "network", "env"] as const;

/** The manifest's permissions as the user's grant (only the kinds it asks for). */
export function asked(manifest: PluginManifest): PluginPermissions {
  const p = manifest.permissions ?? {};
  const out: PluginPermissions = {};
  for (const k of KINDS) if (p[k]?.length) out[k] = [...(p[k] ?? [])];
  if (p.exec) out.exec = true;
  return out;
}

/** One line per permission: `read files: .`, `run commands`. */
export function describePermissions(p: PluginPermissions): string[] {
  const lines: string[] = [];
  if (p.read?.length) lines.push(`read files under: ${p.read.join(", ")}`);
  if (p.write?.length) lines.push(`write files under: ${p.write.join(", ")}`);
  if (p.exec) lines.push("run commands");
  if (p.network?.length) lines.push(`connect to: ${p.network.join(", ")}`);
  if (p.env?.length) lines.push(`read environment variables: ${p.env.join(", ")}`);
  return lines;
}

/** Whether `granted` already covers everything `wanted` asks for. */
export function covers(granted: PluginPermissions | undefined, wanted: PluginPermissions): boolean {
  if (wanted.exec && !granted?.exec) return false;
  return KINDS.every((k) => (wanted[k] ?? []).every((v) => (granted?.[k] ?? []).includes(v)));
}

export interface GrantPrompt {
  /** `--yes`: grant what is asked without a question. */
  yes: boolean;
  /** Whether there is a terminal to ask on. */
  interactive: boolean;
  /** Asks one question, resolves the answer line. */
  ask: (question: string) => Promise<string>;
  out: (text: string) => void;
}

export function approveWith(prompt: GrantPrompt): ApproveInstall {
  return async (manifest, previous) => {
    const wanted = asked(manifest);
    const lines = describePermissions(wanted);
    if (lines.length === 0 || covers(previous, wanted)) return wanted;
    const who = `${manifest.name} ${manifest.version}`;
    prompt.out(`${who} asks to:\n${lines.map((l) => `  - ${l}`).join("\n")}\n`);
    if (prompt.yes) {
      prompt.out("granted (--yes)\n");
      return wanted;
    }
    if (!prompt.interactive)
      throw new LoomError(
        "PERMISSION_DENIED",
        `${who} asks for permissions (${lines.join("; ")}) and there is no terminal to ask on; pass --yes to grant them`,
      );
    const answer = await prompt.ask("Grant these permissions and install? [y/N] ");
    if (!/^y(es)?$/i.test(answer.trim()))
      throw new LoomError("PERMISSION_DENIED", `${who}: permissions not granted; nothing installed`);
    return wanted;
  };
}

/** The prompt on this process's terminal (stderr for the text, a line of stdin for the answer). */
export function terminalPrompt(yes: boolean): GrantPrompt {
  return {
    yes,
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    out: (t) => process.stderr.write(t),
    ask: async (q) => {
      process.stderr.write(q);
      for await (const line of console) return line;
      return "";
    },
  };
}
