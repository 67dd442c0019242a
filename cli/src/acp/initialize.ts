/**
 * The `initialize` exchange, free of the ACP SDK at run time (types only), so `loom acp-agent`
 * can answer it before the SDK and the session engine are loaded (see early-initialize.ts). The
 * SDK's own handler answers with the same `initializeResponse`.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { VERSION } from "@loom/runtime/version";

/** ACP protocol version 1 (the SDK's `PROTOCOL_VERSION`, checked by initialize.test.ts). */
export const PROTOCOL_VERSION = 1;

/** The one sign-in method: a provider key in the environment or in Loom's config. */
export const AUTH_METHOD_ID = "provider-key";

export const AUTH_METHODS: acp.AuthMethod[] = [
  {
    id: AUTH_METHOD_ID,
    name: "Provider API key",
    description:
      "Loom reads the model provider's key from its environment (ANTHROPIC_API_KEY, OPENAI_API_KEY, …) " +
      "or from [providers.<name>] api_key in ~/.config/loom/config.toml; for a team server, run " +
      "`loom login --server <url>` (a device code approved in the browser). Set one, then sign in again.",
  },
];

/** Offered only to clients that can run it (`clientCapabilities.auth.terminal`). */
export const TERMINAL_AUTH_METHOD: acp.AuthMethod = {
  type: "terminal",
  id: "terminal-login",
  name: "Sign in in a terminal",
  description:
    "Runs `loom acp-agent --login`: with a team server ([server] url), shows a device code to approve in " +
    "the browser and saves the session token; otherwise asks for the provider's API key and saves it in " +
    "Loom's user config.",
  args: ["--login"],
};

export function initializeResponse(
  clientCapabilities?: acp.ClientCapabilities | null,
): acp.InitializeResponse {
  return {
    protocolVersion: PROTOCOL_VERSION,
    agentInfo: { name: "loom", title: "Loom", version: VERSION },
    authMethods: clientCapabilities?.auth?.terminal ? [...AUTH_METHODS, TERMINAL_AUTH_METHOD] : AUTH_METHODS,
    agentCapabilities: {
      loadSession: true,
      promptCapabilities: { image: true, audio: false, embeddedContext: true },
      // stdio servers are always supported; these say the remote transports are too.
      mcpCapabilities: { http: true, sse: true },
      sessionCapabilities: { list: {}, resume: {}, close: {}, delete: {} },
    },
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const optional = (v: unknown, ok: (v: unknown) => boolean) => v === undefined || v === null || ok(v);
const isBool = (v: unknown) => typeof v === "boolean";
const isString = (v: unknown) => typeof v === "string";
const isEmptyObject = (v: unknown) => isObject(v) && Object.keys(v).length === 0;

/**
 * The request id of a well-formed `initialize` request, else `undefined`. "Well-formed" is
 * stricter than the SDK's schema on the fields it checks, so whatever this accepts the SDK
 * accepts too; anything else is left for the SDK to answer (with its own error).
 */
export function initializeRequestId(message: unknown): string | number | undefined {
  if (!isObject(message) || message.jsonrpc !== "2.0" || message.method !== "initialize") return undefined;
  const id = message.id;
  if (!(typeof id === "string" || (typeof id === "number" && Number.isSafeInteger(id)))) return undefined;
  const p = message.params;
  if (!isObject(p)) return undefined;
  const v = p.protocolVersion;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535) return undefined;
  const caps = p.clientCapabilities;
  if (caps !== undefined) {
    if (!isObject(caps)) return undefined;
    if (!optional(caps.terminal, isBool)) return undefined;
    if (
      !optional(
        caps.fs,
        (fs) => isObject(fs) && optional(fs.readTextFile, isBool) && optional(fs.writeTextFile, isBool),
      )
    )
      return undefined;
    if (!optional(caps.auth, (a) => isObject(a) && optional(a.terminal, isBool))) return undefined;
    // Nested shapes this does not check: left to the SDK.
    if (!optional(caps.session, isEmptyObject) || !optional(caps.elicitation, isEmptyObject))
      return undefined;
    if (!optional(caps._meta, isObject)) return undefined;
  }
  const info = p.clientInfo;
  if (
    !optional(
      info,
      (i) => isObject(i) && isString(i.name) && isString(i.version) && optional(i.title, isString),
    )
  )
    return undefined;
  if (!optional(p._meta, isObject)) return undefined;
  return id;
}
