/**
 * File access for the agent through the editor: reads see unsaved buffers, writes go through the
 * open document (then saved) so undo and dirty state behave as for any edit.
 */
import type * as acp from "@agentclientprotocol/sdk";
import { RequestError } from "@agentclientprotocol/sdk";
import * as vscode from "vscode";
import { sliceLines } from "./text-range.ts";

function openDocument(path: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === path);
}

export async function readTextFile(req: acp.ReadTextFileRequest): Promise<string> {
  const doc = openDocument(req.path);
  const text = doc ? doc.getText() : new TextDecoder().decode(await readDisk(req.path));
  return sliceLines(text, req.line, req.limit);
}

/** A missing file is ACP's "resource not found" (the agent tells the model NOT_FOUND), not an internal error. */
async function readDisk(path: string): Promise<Uint8Array> {
  try {
    return await vscode.workspace.fs.readFile(vscode.Uri.file(path));
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code === "FileNotFound") throw RequestError.resourceNotFound(path);
    throw e;
  }
}

export async function writeTextFile(req: acp.WriteTextFileRequest): Promise<void> {
  const doc = openDocument(req.path);
  if (!doc) {
    await vscode.workspace.fs.writeFile(vscode.Uri.file(req.path), new TextEncoder().encode(req.content));
    return;
  }
  const edit = new vscode.WorkspaceEdit();
  edit.replace(
    doc.uri,
    new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)),
    req.content,
  );
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not edit ${req.path}`);
  await doc.save();
}
