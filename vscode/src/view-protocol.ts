/** Messages between the chat webview and the extension host. */
import type { ChatState } from "./chat-model.ts";

export type ViewToHost =
  | { type: "ready" }
  | { type: "prompt"; text: string }
  | { type: "cancel" }
  | { type: "permission"; requestId: number; optionId: string }
  | { type: "newSession" }
  | { type: "loadSession"; sessionId: string }
  | { type: "setMode"; modeId: string }
  | { type: "refreshSessions" }
  | { type: "openFile"; path: string };

export type HostToView = { type: "state"; state: ChatState };

const VIEW_MESSAGE_TYPES = new Set<string>([
  "ready",
  "prompt",
  "cancel",
  "permission",
  "newSession",
  "loadSession",
  "setMode",
  "refreshSessions",
  "openFile",
]);

/** Narrow an untrusted webview message; anything malformed is dropped. */
export function parseViewMessage(m: unknown): ViewToHost | undefined {
  if (m === null || typeof m !== "object") return undefined;
  const o = m as Record<string, unknown>;
  if (typeof o.type !== "string" || !VIEW_MESSAGE_TYPES.has(o.type)) return undefined;
  const str = (k: string) => typeof o[k] === "string";
  switch (o.type) {
    case "prompt":
      return str("text") ? (o as ViewToHost) : undefined;
    case "permission":
      return typeof o.requestId === "number" && str("optionId") ? (o as ViewToHost) : undefined;
    case "loadSession":
      return str("sessionId") ? (o as ViewToHost) : undefined;
    case "setMode":
      return str("modeId") ? (o as ViewToHost) : undefined;
    case "openFile":
      return str("path") ? (o as ViewToHost) : undefined;
    default:
      return o as ViewToHost;
  }
}
