/**
 * Files that only a Loom checkout or package install has (the AssemblyScript compiler, the SDK
 * source): resolved from Loom's own modules, with one clear error in the single binary.
 */
import { LoomError } from "../errors.ts";

export function resolveFromLoom(specifier: string, from: string, what: string): string {
  try {
    return Bun.resolveSync(specifier, from);
  } catch {
    throw new LoomError(
      "PLUGIN_FAILED",
      `${what} needs a Loom checkout or npm install (this loom binary does not carry ${specifier})`,
    );
  }
}
