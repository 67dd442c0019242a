/**
 * `/api/docs` without a single script: the operations of the OpenAPI document as a plain HTML list,
 * each with its method, path and summary, and a link to the JSON for tools (Scalar, Postman, an
 * editor) that render it fully. The server's CSP forbids scripts from anywhere but itself, and the
 * UI libraries that render OpenAPI interactively are megabytes the single binary would carry.
 */
const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

interface Operation {
  summary?: string;
  operationId?: string;
  tags?: string[];
}

export function docsPage(doc: {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}): string {
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      if (!op || typeof op !== "object" || method === "parameters") continue;
      rows.push(
        `<tr><td><code>${esc(method.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? "")}</td><td><code>${esc(op.operationId ?? "")}</code></td></tr>`,
      );
    }
  }
  const title = esc(doc.info?.title ?? "API");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark"><title>${title} API</title></head>
<body><main>
<h1>${title} ${esc(doc.info?.version ?? "")}</h1>
<p>${esc(doc.info?.description ?? "")}</p>
<p>The full OpenAPI 3.1 document (schemas, parameters, responses): <a href="/api/openapi.json">/api/openapi.json</a>.
Open it in any OpenAPI viewer for an interactive page.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th><th>Operation</th></tr></thead>
<tbody>${rows.join("\n")}</tbody></table>
</main></body></html>
`;
}
