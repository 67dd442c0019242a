/** The chat webview's HTML shell: a strict CSP, one nonce'd script, VS Code theme colours. */
export function chatHtml(o: { scriptUri: string; cspSource: string; nonce: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${o.cspSource} 'unsafe-inline'; script-src 'nonce-${o.nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Loom</title>
<style>
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 8px; }
#bar { display: flex; gap: 4px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--vscode-panel-border); flex-wrap: wrap; }
#bar select { flex: 1; min-width: 0; }
#status { font-size: 0.85em; opacity: 0.8; padding: 4px 0; }
#log { padding: 8px 0 96px; }
.item { margin: 6px 0; white-space: pre-wrap; word-wrap: break-word; }
.user { background: var(--vscode-input-background); padding: 6px; border-radius: 4px; }
.thought { opacity: 0.7; font-style: italic; }
.notice.error { color: var(--vscode-errorForeground); }
.notice.warning { color: var(--vscode-editorWarning-foreground); }
.tool { border: 1px solid var(--vscode-panel-border); border-radius: 4px; padding: 4px 6px; }
.tool summary { cursor: pointer; }
.tool .st { font-size: 0.8em; margin-left: 6px; opacity: 0.8; }
.tool pre, .diff { font-family: var(--vscode-editor-font-family); font-size: 0.9em; max-height: 300px; overflow: auto; background: var(--vscode-textCodeBlock-background); padding: 4px; margin: 4px 0; }
.agent code { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 0 2px; }
.agent pre.block { font-family: var(--vscode-editor-font-family); background: var(--vscode-textCodeBlock-background); padding: 6px; overflow: auto; white-space: pre; }
.locs { font-size: 0.85em; margin: 2px 0; }
.del { color: var(--vscode-gitDecoration-deletedResourceForeground); }
.add { color: var(--vscode-gitDecoration-addedResourceForeground); }
.permission { border: 1px solid var(--vscode-focusBorder); border-radius: 4px; padding: 6px; }
.permission button { margin: 4px 4px 0 0; }
#composer { position: fixed; bottom: 0; left: 0; right: 0; padding: 6px 8px; background: var(--vscode-sideBar-background); display: flex; gap: 4px; }
#input { flex: 1; resize: none; font-family: inherit; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 3px 8px; cursor: pointer; }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
a { color: var(--vscode-textLink-foreground); cursor: pointer; }
</style>
</head>
<body>
<div id="bar">
  <select id="sessions" title="Sessions in this workspace"></select>
  <button id="new" class="secondary" title="New session">New</button>
  <select id="mode" title="Permission mode"></select>
</div>
<div id="status"></div>
<div id="log"></div>
<div id="composer">
  <textarea id="input" rows="3" placeholder="Ask Loom… (Enter to send, Shift+Enter for a new line)"></textarea>
  <button id="send">Send</button>
  <button id="cancel" class="secondary">Stop</button>
</div>
<script nonce="${o.nonce}" src="${o.scriptUri}"></script>
</body>
</html>`;
}
