// Loom's AssemblyScript SDK for WASM tool plugins: one file, vendored into each plugin as
// assembly/loom.ts (`loom plugin new` writes it). Build with
//   asc assembly/index.ts --outFile plugin.wasm --use abort=assembly/loom/loomAbort --optimize
// Host functions live in "extism:host/user"; each needs the manifest permission noted beside it.
import { Host, Memory } from "@extism/as-pdk";

@external("extism:host/env", "error_set")
declare function error_set(offset: u64): void;
@external("extism:host/env", "length")
declare function extism_length(offset: u64): u64;

@external("extism:host/user", "read_file") // permissions.read
declare function host_read_file(path: u64): u64;
@external("extism:host/user", "write_file") // permissions.write
declare function host_write_file(path: u64, content: u64): void;
@external("extism:host/user", "stat") // permissions.read
declare function host_stat(path: u64): u64;
@external("extism:host/user", "list_dir") // permissions.read
declare function host_list_dir(path: u64): u64;
@external("extism:host/user", "http_fetch") // permissions.network
declare function host_http_fetch(request: u64): u64;
@external("extism:host/user", "env_get") // permissions.env
declare function host_env_get(name: u64): u64;
@external("extism:host/user", "log")
declare function host_log(message: u64): void;
@external("extism:host/user", "abort")
declare function host_abort(message: u64): void;
@external("extism:host/user", "emit_event") // provider plugins only (kind "provider")
declare function host_emit_event(event: u64): void;

function str(s: string): u64 {
  return Memory.allocateString(s).offset;
}

function fromHost(offset: u64): string {
  return new Memory(offset, extism_length(offset)).toString();
}

/** The tool input (the JSON the model sent). */
export function input(): string {
  return Host.inputString();
}

/** Sets the tool output (UTF-8 safe; as-pdk's outputString is not for non-ASCII text). */
export function output(s: string): void {
  Host.output(Uint8Array.wrap(String.UTF8.encode(s)));
}

/** Reports an error the model will read; return 1 from the export afterwards. */
export function fail(message: string): i32 {
  error_set(str(message));
  return 1;
}

/** Workspace-relative (or absolute inside the workspace) file contents. Throws into the host on refusal. */
export function readFile(path: string): string {
  return fromHost(host_read_file(str(path)));
}

/** Atomic write (temp file + rename); parent directories inside the workspace are created. */
export function writeFile(path: string, content: string): void {
  host_write_file(str(path), str(content));
}

/** JSON: {"exists":false} or {"exists":true,"type":"file"|"dir"|"other","size":n}. */
export function stat(path: string): string {
  return fromHost(host_stat(str(path)));
}

export function fileExists(path: string): bool {
  return stat(path).startsWith('{"exists":true');
}

/** JSON array of {"name","type"}. */
export function listDir(path: string): string {
  return fromHost(host_list_dir(str(path)));
}

/** request: JSON {url, method?, headers?, body?}; returns JSON {status, headers, body}. */
export function httpFetch(request: string): string {
  return fromHost(host_http_fetch(str(request)));
}

export function envGet(name: string): string {
  return fromHost(host_env_get(str(name)));
}

export function log(message: string): void {
  host_log(str(message));
}

/**
 * Provider plugins: streams one event of the model's answer to Loom, e.g.
 * `emitEvent('{"type":"text.delta","text":' + jsonString(s) + "}")` (specs/plugin-authoring.md).
 */
export function emitEvent(json: string): void {
  host_emit_event(str(json));
}

/** Wired with `--use abort=assembly/loom/loomAbort`: an abort reaches the model as a tool error. */
export function loomAbort(message: string | null, file: string | null, line: u32, column: u32): void {
  let m = "abort";
  if (message !== null) m = message;
  let where = "";
  if (file !== null) where = " at " + file + ":" + line.toString() + ":" + column.toString();
  host_abort(str(m + where));
  unreachable();
}

// ---- JSON ----------------------------------------------------------------------------------

export enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class Json {
  kind: JsonKind = JsonKind.Null;
  bool: bool = false;
  num: f64 = 0;
  str: string = "";
  items: Json[] = [];
  keys: string[] = [];

  /** Member of an object, or null. */
  get(key: string): Json | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  isString(): bool {
    return this.kind == JsonKind.String;
  }
}

class Parser {
  pos: i32 = 0;
  error: string = "";
  constructor(public s: string) {}

  ws(): void {
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c != 32 && c != 9 && c != 10 && c != 13) break;
      this.pos++;
    }
  }

  bad(what: string): Json | null {
    if (this.error.length == 0) this.error = what + " at offset " + this.pos.toString();
    return null;
  }

  value(depth: i32): Json | null {
    if (depth > 64) return this.bad("nesting too deep");
    this.ws();
    if (this.pos >= this.s.length) return this.bad("unexpected end");
    const c = this.s.charCodeAt(this.pos);
    const v = new Json();
    if (c == 123) return this.object(depth);
    if (c == 91) return this.array(depth);
    if (c == 34) {
      const s = this.string();
      if (s === null) return null;
      v.kind = JsonKind.String;
      v.str = s!;
      return v;
    }
    if (this.s.startsWith("true", this.pos)) {
      this.pos += 4;
      v.kind = JsonKind.Bool;
      v.bool = true;
      return v;
    }
    if (this.s.startsWith("false", this.pos)) {
      this.pos += 5;
      v.kind = JsonKind.Bool;
      return v;
    }
    if (this.s.startsWith("null", this.pos)) {
      this.pos += 4;
      return v;
    }
    const start = this.pos;
    while (this.pos < this.s.length) {
      const d = this.s.charCodeAt(this.pos);
      if (!((d >= 48 && d <= 57) || d == 45 || d == 43 || d == 46 || d == 101 || d == 69)) break;
      this.pos++;
    }
    if (start == this.pos) return this.bad("unexpected character");
    v.kind = JsonKind.Number;
    v.num = parseFloat(this.s.substring(start, this.pos));
    return v;
  }

  string(): string | null {
    this.pos++;
    const parts: string[] = [];
    let start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      if (c == 34) {
        parts.push(this.s.substring(start, this.pos));
        this.pos++;
        return parts.join("");
      }
      if (c == 92) {
        parts.push(this.s.substring(start, this.pos));
        const e = this.s.charCodeAt(this.pos + 1);
        this.pos += 2;
        if (e == 110) parts.push("\n");
        else if (e == 116) parts.push("\t");
        else if (e == 114) parts.push("\r");
        else if (e == 98) parts.push("\b");
        else if (e == 102) parts.push("\f");
        else if (e == 117) {
          parts.push(String.fromCharCode(i32(parseInt(this.s.substring(this.pos, this.pos + 4), 16))));
          this.pos += 4;
        } else parts.push(String.fromCharCode(e));
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    this.bad("unterminated string");
    return null;
  }

  array(depth: i32): Json | null {
    this.pos++;
    const v = new Json();
    v.kind = JsonKind.Array;
    this.ws();
    if (this.s.charCodeAt(this.pos) == 93) {
      this.pos++;
      return v;
    }
    while (true) {
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.items.push(item!);
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c == 93) return v;
      if (c != 44) return this.bad("expected , or ]");
    }
  }

  object(depth: i32): Json | null {
    this.pos++;
    const v = new Json();
    v.kind = JsonKind.Object;
    this.ws();
    if (this.s.charCodeAt(this.pos) == 125) {
      this.pos++;
      return v;
    }
    while (true) {
      this.ws();
      if (this.s.charCodeAt(this.pos) != 34) return this.bad("expected a key");
      const key = this.string();
      if (key === null) return null;
      this.ws();
      if (this.s.charCodeAt(this.pos) != 58) return this.bad("expected :");
      this.pos++;
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.keys.push(key!);
      v.items.push(item!);
      this.ws();
      const c = this.s.charCodeAt(this.pos);
      this.pos++;
      if (c == 125) return v;
      if (c != 44) return this.bad("expected , or }");
    }
  }
}

/** Last parse error, empty after a successful parse. */
export let jsonError: string = "";

/** Parses JSON text; null (and `jsonError` set) when it is not valid JSON. */
export function parseJson(s: string): Json | null {
  const p = new Parser(s);
  const v = p.value(0);
  p.ws();
  if (v !== null && p.pos < s.length) p.bad("trailing characters");
  jsonError = p.error;
  return p.error.length > 0 ? null : v;
}

/** A JSON string literal for `s`. */
export function jsonString(s: string): string {
  const parts: string[] = ['"'];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 34 || c == 92 || c < 32) {
      parts.push(s.substring(start, i));
      if (c == 34) parts.push('\\"');
      else if (c == 92) parts.push("\\\\");
      else if (c == 10) parts.push("\\n");
      else if (c == 9) parts.push("\\t");
      else if (c == 13) parts.push("\\r");
      else parts.push("\\u" + c.toString(16).padStart(4, "0"));
      start = i + 1;
    }
  }
  parts.push(s.substring(start));
  parts.push('"');
  return parts.join("");
}

/** JSON text for a parsed value (numbers that are whole print without a fraction). */
export function toJson(v: Json): string {
  switch (v.kind) {
    case JsonKind.Null:
      return "null";
    case JsonKind.Bool:
      return v.bool ? "true" : "false";
    case JsonKind.Number:
      return v.num == Math.floor(v.num) && Math.abs(v.num) < 1e15 ? (<i64>v.num).toString() : v.num.toString();
    case JsonKind.String:
      return jsonString(v.str);
    case JsonKind.Array: {
      const parts: string[] = [];
      for (let i = 0; i < v.items.length; i++) parts.push(toJson(v.items[i]));
      return "[" + parts.join(",") + "]";
    }
    default: {
      const parts: string[] = [];
      for (let i = 0; i < v.keys.length; i++) parts.push(jsonString(v.keys[i]) + ":" + toJson(v.items[i]));
      return "{" + parts.join(",") + "}";
    }
  }
}
