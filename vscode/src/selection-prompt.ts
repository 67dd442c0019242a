/** Prompts for "Explain selection" and "Refactor selection": an instruction plus the code as context. */
import type * as acp from "@agentclientprotocol/sdk";

export interface Selection {
  /** Workspace-relative (or absolute) path shown to the model. */
  path: string;
  uri: string;
  languageId: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
}

export function selectionPrompt(
  action: "explain" | "refactor",
  sel: Selection,
  instruction?: string,
): acp.ContentBlock[] {
  const where = `${sel.path}:${sel.startLine}-${sel.endLine}`;
  const ask =
    action === "explain"
      ? `Explain what the selected code in ${where} does, how it fits in, and anything surprising about it.`
      : `Refactor the selected code in ${where}${instruction?.trim() ? `: ${instruction.trim()}` : " to make it clearer and simpler without changing its behaviour"}. Edit the file directly.`;
  return [
    { type: "text", text: ask },
    {
      type: "resource",
      resource: {
        uri: `${sel.uri}#L${sel.startLine}-L${sel.endLine}`,
        mimeType: mimeOf(sel.languageId),
        text: sel.text,
      },
    },
  ];
}

function mimeOf(languageId: string): string {
  return languageId === "plaintext" ? "text/plain" : `text/x-${languageId}`;
}
