/**
 * Provider credentials and upstream base URLs, read once from the environment: `ANTHROPIC_API_KEY`
 * and `OPENAI_API_KEY` (or their `*_FILE` forms), and for Vertex AI `GOOGLE_CLOUD_PROJECT` with
 * application-default credentials or a fixed `VERTEX_ACCESS_TOKEN` (or `_FILE`). Secrets stay
 * wrapped in `Secret` until the moment a request is sent.
 */
import { readFileSync } from "node:fs";
import { LoomError } from "@loom/runtime/errors";
import { Secret } from "@loom/runtime/secret";

export interface Upstream {
  name: string;
  /** API key (Anthropic, OpenAI) or fixed access token (Vertex); absent means ADC (Vertex only). */
  apiKey?: Secret;
  /** Base URL in the SDK's convention: Anthropic without `/v1`, OpenAI with it; absent = the SDK default. */
  baseUrl?: string;
  /** Provider settings (Vertex: project, location). */
  settings?: Record<string, unknown>;
  /** Offers the SDK wire-format pass-through route. */
  passthrough: boolean;
}

const KEYED: { name: string; keyEnv: string; baseEnv: string; defaultBase: string }[] = [
  {
    name: "anthropic",
    keyEnv: "ANTHROPIC_API_KEY",
    baseEnv: "ANTHROPIC_BASE_URL",
    defaultBase: "https://api.anthropic.com",
  },
  {
    name: "openai",
    keyEnv: "OPENAI_API_KEY",
    baseEnv: "OPENAI_BASE_URL",
    defaultBase: "https://api.openai.com/v1",
  },
];

export type Env = Record<string, string | undefined>;

/** `name` from the environment, or the trimmed contents of the file `name_FILE` names (one line on failure). */
export function readSecret(env: Env, name: string): string | undefined {
  const direct = env[name]?.trim();
  if (direct) return direct;
  const file = env[`${name}_FILE`];
  if (!file) return undefined;
  let v: string;
  try {
    v = readFileSync(file, "utf8").trim();
  } catch (e) {
    const why = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
    throw new LoomError("CONFIG_INVALID", `${name}_FILE: cannot read ${file} (${why})`);
  }
  if (!v) throw new LoomError("CONFIG_INVALID", `${name}_FILE: ${file} is empty`);
  return v;
}

const trimSlash = (u: string) => u.replace(/\/+$/, "");

export function loadUpstreams(env: Env): Record<string, Upstream> {
  const out: Record<string, Upstream> = {};
  for (const k of KEYED) {
    const key = readSecret(env, k.keyEnv);
    if (!key) continue;
    out[k.name] = {
      name: k.name,
      apiKey: new Secret(key),
      baseUrl: trimSlash(env[k.baseEnv] || k.defaultBase),
      passthrough: true,
    };
  }
  const project = env.GOOGLE_CLOUD_PROJECT?.trim();
  if (project) {
    const token = readSecret(env, "VERTEX_ACCESS_TOKEN");
    out.vertex = {
      name: "vertex",
      ...(token ? { apiKey: new Secret(token) } : {}),
      ...(env.VERTEX_BASE_URL ? { baseUrl: trimSlash(env.VERTEX_BASE_URL) } : {}),
      settings: { project, location: env.GOOGLE_CLOUD_LOCATION || "global" },
      passthrough: false,
    };
  }
  return out;
}
