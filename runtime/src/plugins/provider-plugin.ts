/**
 * Providers found through the plugin sources (manifest `kind: "provider"`): the user's plugins,
 * config `plugins.paths`, the workspace's `.loom/plugins` and its `node_modules`. First-party
 * providers are built into the CLI and never come from here. A WASM provider runs sandboxed in
 * its own plugin host process and reaches the network only through `http_fetch`, to hosts its
 * manifest declares and the user granted. A TypeScript provider runs in Loom's own process, so it
 * is loaded only when the user's config names it in `plugins.trusted`.
 */
import { formatError, LoomError } from "../errors.ts";
import type { ProviderDefinition } from "../llm.ts";
import { canonicalWorkspaceRoot } from "../tools/workspace-path.ts";
import type { PluginPermissions } from "./manifest.ts";
import { type AskConsent, resolvePermissions } from "./permissions.ts";
import type { PluginCandidate } from "./sources.ts";
import { openWasmHost } from "./wasm-plugin.ts";
import { wasmProviderDefinition } from "./wasm-provider.ts";

export interface ProviderPluginOptions {
  candidate: PluginCandidate;
  workspaceRoot: string;
  /** `plugins.grants.<name>`: what the user granted (network hosts, env…). */
  grant?: PluginPermissions | undefined;
  /** `plugins.trusted`: TypeScript plugins the user allows to run in-process. */
  trusted?: readonly string[];
  consent?: AskConsent;
  onLog?: (plugin: string, message: string) => void;
}

function isDefinition(x: unknown): x is ProviderDefinition {
  return typeof x === "object" && x !== null && typeof (x as ProviderDefinition).create === "function";
}

/** The plugin as a provider definition named after its manifest. */
export async function providerPluginDefinition(opts: ProviderPluginOptions): Promise<ProviderDefinition> {
  const { candidate } = opts;
  const { manifest } = candidate;
  const where = `${manifest.name} (${candidate.source} plugin${candidate.dir ? ` in ${candidate.dir}` : ""})`;
  if (manifest.runtime === "ts") {
    if (!opts.trusted?.includes(manifest.name)) {
      throw new LoomError(
        "PLUGIN_INVALID",
        `provider ${where} is TypeScript and would run unsandboxed in Loom's process; trust it in your config ([plugins] trusted = ["${manifest.name}"]) or use a wasm provider`,
      );
    }
    let entry: unknown;
    try {
      entry = await candidate.load();
    } catch (e) {
      throw new LoomError(
        "PLUGIN_INVALID",
        `provider ${where}: cannot load ${manifest.entry}: ${formatError(e)}`,
      );
    }
    const def = (entry as { default?: unknown }).default ?? entry;
    if (!isDefinition(def)) {
      throw new LoomError(
        "PLUGIN_INVALID",
        `provider ${where}: ${manifest.entry} must default-export a ProviderDefinition ({ name, create })`,
      );
    }
    return { ...def, name: manifest.name };
  }
  const root = canonicalWorkspaceRoot(opts.workspaceRoot);
  return wasmProviderDefinition({
    manifest,
    open: async () => {
      const wasm = await candidate.load();
      if (!(wasm instanceof Uint8Array)) {
        throw new LoomError("PLUGIN_INVALID", `provider ${where}: wasm entry did not load as bytes`);
      }
      return openWasmHost({
        manifest,
        wasm,
        root,
        permissions: () => resolvePermissions(manifest, opts.grant, opts.consent),
        // A provider's calls block on http_fetch and stream events: they belong in the child.
        isolation: "process",
        ...(opts.onLog ? { onLog: opts.onLog } : {}),
      });
    },
  });
}
