/**
 * What `--help` adds to citty's usage text: examples for every command, keyed by its path
 * (`""` is `loom` itself), and which commands take any number of words as their last argument.
 */

export const EXAMPLES: Record<string, string[]> = {
  "": ["loom", 'loom run "fix the failing test"', "loom threads list", "loom help run"],
  version: ["loom version"],
  serve: ["loom serve --port 8080"],
  admin: ["loom admin token create --name alice"],
  "admin token": ["loom admin token list"],
  "admin token create": ["loom admin token create --name alice --rate-limit 60"],
  "admin token list": ["loom admin token list"],
  "admin token revoke": ["loom admin token revoke tok_0123"],
  login: [
    "loom login --server https://loom.example.com",
    "loom login --server https://loom.example.com --token lt_…",
  ],
  logout: ["loom logout", "loom logout --server https://loom.example.com"],
  whoami: ["loom whoami", "loom whoami --server https://loom.example.com"],
  "acp-agent": ["loom acp-agent --permission-mode ask"],
  run: [
    'loom run "add a test for parse()"',
    'echo "explain src/main.ts" | loom run -',
    'loom run --json --permission-mode auto "fix the lint errors"',
    'loom run --resume last "now update the docs"',
    'loom run --max-steps 300 --permission-mode auto "migrate every test to bun:test"',
  ],
  repl: ["loom repl --model claude-sonnet-4-6"],
  resume: ["loom resume", "loom resume 3f2a"],
  private: ["loom private"],
  threads: ["loom threads list --here", "loom threads show 3f2a"],
  "threads list": ["loom threads list --here --limit 10", "loom threads list --json"],
  "threads show": ["loom threads show 3f2a", "loom threads show T-01a2…-3f2a --json"],
  "threads search": ["loom threads search flaky test"],
  "threads delete": ["loom threads delete 3f2a"],
  undo: ["loom undo", "loom undo --list", "loom undo --thread 3f2a --force"],
  plugin: [
    "loom plugin new word-count",
    "loom plugin publish",
    "loom plugin install loom-plugin-word-count@^1.0.0",
  ],
  "plugin new": ["loom plugin new word-count"],
  "plugin build": ["loom plugin build", "loom plugin build ./word-count"],
  "plugin test": ["loom plugin test ./word-count"],
  "plugin pack": ["loom plugin pack", "loom plugin pack ./word-count --out dist"],
  "plugin publish": ["loom plugin publish", "loom plugin publish --registry http://127.0.0.1:4873"],
  "plugin install": [
    "loom plugin install loom-plugin-word-count@^1.0.0",
    "loom plugin install ./word-count --yes",
    "loom plugin install word-count.tgz --deny",
    "loom plugin install",
  ],
  "plugin update": ["loom plugin update", "loom plugin update word-count"],
  "plugin outdated": ["loom plugin outdated", "loom plugin outdated --json"],
  "plugin search": ["loom plugin search word count"],
  "plugin list": ["loom plugin list --json"],
  "plugin remove": ["loom plugin remove word-count"],
  tools: ["loom tools list", `loom tools call grep '{"pattern":"TODO"}'`],
  "tools list": ["loom tools list --json", "loom tools list --no-mcp"],
  "tools call": [
    `loom tools call read_file '{"path":"README.md"}'`,
    `echo '{"pattern":"src/**/*.ts"}' | loom tools call glob -`,
  ],
  models: ["loom models", "loom models --json"],
  mcp: ["loom mcp add everything -- npx -y @modelcontextprotocol/server-everything", "loom mcp list"],
  "mcp list": ["loom mcp list", "loom mcp list --json"],
  "mcp add": [
    "loom mcp add everything -- npx -y @modelcontextprotocol/server-everything",
    `loom mcp add github --url https://api.githubcopilot.com/mcp/ --header "Authorization=Bearer \${GITHUB_TOKEN}"`,
    "loom mcp add files --env LOG_LEVEL=warn -- npx -y @modelcontextprotocol/server-filesystem .",
  ],
  "mcp remove": ["loom mcp remove everything"],
  "mcp test": ["loom mcp test everything", "loom mcp test everything --json"],
  "mcp login": [
    "loom mcp add docs --url https://mcp.example.com/mcp",
    "loom mcp login docs",
    "loom mcp login docs --port 33418",
  ],
  "mcp logout": ["loom mcp logout docs"],
  "mcp serve": [
    "loom mcp serve --workspace ~/src/app",
    "loom mcp serve --permission-mode auto",
    "loom mcp serve --http 8931 --permission-mode read-only",
  ],
};

/** Commands whose last positional takes the rest of the words (`loom run fix the test`). */
export const VARIADIC = new Set(["run", "threads search", "mcp add", "plugin search"]);

/** Commands whose `--json` output is an event stream ending in a `final` event, usage errors too. */
export const JSON_STREAMS = new Set(["run"]);

export function examplesText(path: string[]): string {
  const list = EXAMPLES[path.join(" ")];
  if (!list?.length) return "";
  return `EXAMPLES\n\n${list.map((e) => `  ${e}`).join("\n")}\n`;
}
