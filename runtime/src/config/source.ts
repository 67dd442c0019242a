/** Where a config value came from, so errors and `loom config` can name it. */
export type ConfigSource =
  | { kind: "default" }
  | { kind: "file"; layer: "system" | "user" | "workspace"; path: string }
  | { kind: "env"; name: string }
  | { kind: "flag"; name: string };

/** One line naming the source: a file path, `env LOOM_AGENT__MODEL`, `flag --model`, `default`. */
export function describeSource(source: ConfigSource): string {
  switch (source.kind) {
    case "default":
      return "built-in default";
    case "file":
      return source.path;
    case "env":
      return `env ${source.name}`;
    case "flag":
      return `flag ${source.name}`;
    default: {
      const never: never = source;
      return String(never);
    }
  }
}

/** A dotted key path (`agent.max_retries`) from path segments; quotes segments TOML would quote. */
export function keyPath(segments: readonly string[]): string {
  return segments.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join(".");
}
