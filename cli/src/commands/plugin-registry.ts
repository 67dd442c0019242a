/**
 * Which npm registry the plugin commands talk to, and with what credentials: the options object
 * npm's own libraries (npm-registry-fetch, libnpmpublish, libnpmsearch) take. Registry, highest
 * first: `--registry`, config `[plugins] registry`, `npm_config_registry`, `.npmrc` (the
 * workspace's, then the user's), registry.npmjs.org. Scoped registries (`@scope:registry=`) and auth (`//host/:_authToken=`) come
 * from `.npmrc` as npm reads them, `${VAR}` expanded from the environment; npm-registry-fetch sends
 * a token only to the registry it is keyed to.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { LoomError } from "@loom/runtime/errors";
import { readOwnFile } from "@loom/runtime/own-file";
import { parse } from "ini";

export const DEFAULT_REGISTRY = "https://registry.npmjs.org/";

export type RegistryOptions = Record<string, unknown> & { registry: string };

export interface RegistryChoice {
  /** `--registry`. */
  flag?: string | undefined;
  /** Config `[plugins] registry`. */
  config?: string | undefined;
  /** Folder whose `.npmrc` is read before the user's (the workspace). */
  cwd?: string;
  env?: Record<string, string | undefined>;
}

/** `${VAR}` from the environment, as npm expands .npmrc values (`${VAR?}`: empty when unset). */
function expand(value: string, env: Record<string, string | undefined>, file: string): string {
  return value.replace(/\$\{([^}?]+)(\?)?\}/g, (_m, name: string, optional?: string) => {
    const v = env[name];
    if (v !== undefined) return v;
    if (optional) return "";
    throw new LoomError("CONFIG_INVALID", `${file}: \${${name}} is not set in the environment`);
  });
}

function readNpmrc(file: string, env: Record<string, string | undefined>): Record<string, string> {
  const f = readOwnFile(file, { maxBytes: 1024 * 1024 });
  if (f === undefined) return {};
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(parse(f.bytes.toString("utf8")))) {
    if (typeof value === "string") out[key] = expand(value, env, file);
    else if (typeof value === "boolean") out[key] = String(value);
  }
  return out;
}

const withSlash = (url: string): string => (url.endsWith("/") ? url : `${url}/`);

function checkUrl(url: string, where: string): string {
  if (!/^https?:\/\/[^/]/.test(url))
    throw new LoomError("INVALID_INPUT", `${where}: '${url}' is not an http(s) registry URL`);
  return withSlash(url);
}

export function registryOptions(choice: RegistryChoice = {}): RegistryOptions {
  const env = choice.env ?? process.env;
  const home = env["HOME"] || homedir();
  const userrc = env["NPM_CONFIG_USERCONFIG"] || env["npm_config_userconfig"] || join(home, ".npmrc");
  const npmrc = {
    ...readNpmrc(userrc, env),
    ...(choice.cwd ? readNpmrc(join(choice.cwd, ".npmrc"), env) : {}),
  };
  // npm reads its settings from the environment too, above the .npmrc files.
  const envRegistry = env["npm_config_registry"] || env["NPM_CONFIG_REGISTRY"];
  const registry = choice.flag
    ? checkUrl(choice.flag, "--registry")
    : choice.config
      ? checkUrl(choice.config, "[plugins] registry")
      : envRegistry
        ? checkUrl(envRegistry, "npm_config_registry")
        : npmrc["registry"]
          ? checkUrl(npmrc["registry"], ".npmrc registry")
          : DEFAULT_REGISTRY;
  return {
    ...npmrc,
    registry,
    // Bounded: an unreachable registry fails in seconds, not after npm's minute of retries.
    retry: { retries: 1, minTimeout: 500, maxTimeout: 2000 },
    timeout: 30_000,
    // No npm cache directory: each command fetches what it needs and verifies it itself.
    cache: undefined,
    preferOnline: true,
  };
}

/** The registry a package name is fetched from or published to (its scope's, else the default). */
export function registryFor(name: string, opts: RegistryOptions): string {
  const scope = name.startsWith("@") ? name.split("/")[0] : undefined;
  const scoped = scope ? opts[`${scope}:registry`] : undefined;
  return typeof scoped === "string" ? withSlash(scoped) : opts.registry;
}

const UNREACHABLE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|EHOSTUNREACH)$/;

/** One line for an error from npm's registry libraries. */
export function registryFailure(e: unknown, what: string, registry: string): LoomError {
  if (e instanceof LoomError) return e;
  const err = e as { code?: string; statusCode?: number; message?: string; body?: { error?: string } };
  const code = err.code ?? "";
  if (code === "E404" || err.statusCode === 404)
    return new LoomError("NOT_FOUND", `${what}: not found on ${registry}`);
  if (code === "E401" || code === "ENEEDAUTH" || err.statusCode === 401)
    return new LoomError(
      "MISSING_CREDENTIALS",
      `${what}: ${registry} wants a login (set //host/:_authToken in ~/.npmrc, or run npm login --registry ${registry})`,
    );
  if (code === "E403" || err.statusCode === 403) {
    const why = err.body?.error ?? err.message ?? "forbidden";
    return new LoomError("PERMISSION_DENIED", `${what}: ${registry} refused: ${why.split("\n")[0]}`);
  }
  if (UNREACHABLE.test(code) || UNREACHABLE.test((err as { errno?: string }).errno ?? ""))
    return new LoomError("PLUGIN_FAILED", `${what}: cannot reach ${registry} (${code})`);
  const line = (err.body?.error ?? err.message ?? String(e)).split("\n")[0];
  return new LoomError("PLUGIN_FAILED", `${what}: ${line}`);
}
