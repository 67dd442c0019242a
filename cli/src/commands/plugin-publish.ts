/**
 * `loom plugin publish [--registry URL] [dir]`: packs the plugin (every check of `loom plugin pack`)
 * and publishes the tarball with libnpmpublish — the npm registry protocol and npm's auth from
 * `.npmrc`, so any npm-compatible registry works.
 */
import { LoomError } from "@loom/runtime/errors";
import { publish } from "libnpmpublish";
import { type Packed, packPlugin } from "./plugin-pack.ts";
import { type RegistryChoice, registryFailure, registryFor, registryOptions } from "./plugin-registry.ts";

export interface Published {
  packed: Packed;
  registry: string;
}

export async function publishPlugin(dir: string, choice: RegistryChoice): Promise<Published> {
  const packed = await packPlugin(dir);
  const opts = registryOptions(choice);
  const { pkg } = packed;
  const registry = registryFor(pkg.name, opts);
  const publishConfig = (pkg["publishConfig"] ?? {}) as { access?: string; tag?: string };
  const what = `${pkg.name}@${pkg.version}`;
  try {
    await publish(pkg as Parameters<typeof publish>[0], packed.tarball, {
      ...opts,
      access: publishConfig.access ?? "public",
      defaultTag: publishConfig.tag ?? "latest",
    } as Parameters<typeof publish>[2]);
  } catch (e) {
    const err = e as { code?: string; statusCode?: number };
    if (err.code === "EPUBLISHCONFLICT" || err.statusCode === 409 || err.code === "E409")
      throw new LoomError(
        "CONFLICT",
        `${what} is already on ${registry}; bump the version in package.json and loom-plugin.json`,
      );
    throw registryFailure(e, `publishing ${what}`, registry);
  }
  return { packed, registry };
}
