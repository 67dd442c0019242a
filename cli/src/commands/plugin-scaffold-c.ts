/**
 * `loom plugin new --lang c <name>`: a C tool plugin compiled with clang's wasm32 target. The SDK
 * header is vendored as include/loom.h (from the Loom install, or the copy the binary carries),
 * and the manifest's `build` command is what `loom plugin build` runs.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { C_SDK_HEADER } from "@loom/runtime/plugins/c-sdk";
import { cases, json, manifest, newPluginTool } from "./plugin-scaffold.ts";

/** A shell command: `${CC:-clang}` is the shell's default-value syntax (CC overrides the compiler). */
export const C_BUILD =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a JS template
  "${CC:-clang} --target=wasm32-unknown-unknown -O2 -nostdlib -Iinclude -Wl,--no-entry -Wl,--strip-all -o plugin.wasm src/plugin.c";

const SOURCE = `/* The tool: input is the JSON the model sends, output is what it reads back.
 * Build: loom plugin build    Test: loom plugin test    Install: loom plugin install .
 * include/loom.h is Loom's C SDK (vendored; the host ABI is in Loom's specs/plugin-authoring.md). */
#include "loom.h"

LOOM_EXPORT(run) int run(void) {
  char *input = loom_input(0); /* first: it also resets the call's heap */
  if (!input) return loom_fail("out of memory");
  loom_size n = 0;
  char *body = loom_json_string(input, "text");
  if (body) {
    n = loom_strlen(body);
  } else {
    char *path = loom_json_string(input, "path");
    if (!path) return loom_fail("give text or path");
    body = loom_read_file(path, &n); /* host function; needs permissions.read */
    loom_log("read a file");         /* shown by loom tools call, kept in the session log otherwise */
  }

  loom_u64 words = 0, lines = 0;
  int in_word = 0;
  for (loom_size i = 0; i < n; i++) {
    char c = body[i];
    int space = c == ' ' || c == '\\t' || c == '\\n' || c == '\\r';
    if (c == '\\n') lines++;
    if (!space && !in_word) words++;
    in_word = !space;
  }
  if (n > 0 && body[n - 1] != '\\n') lines++;

  char out[64];
  loom_size k = 0;
  for (const char *s = "{\\"words\\":"; *s; s++) out[k++] = *s;
  k += loom_format_u64(words, out + k);
  for (const char *s = ",\\"lines\\":"; *s; s++) out[k++] = *s;
  k += loom_format_u64(lines, out + k);
  out[k++] = '}';
  loom_output(out, k);
  return 0;
}
`;

function readme(name: string, tool: string): string {
  return `# ${name}

A Loom tool plugin in C (clang → wasm32). It provides the tool \`${tool}\`.
Needs clang and lld (Debian: \`apt-get install clang lld\`; set CC to use another clang).

    loom plugin build      # runs the manifest's build command, records plugin.wasm's sha256
    loom plugin test       # run tests/cases.json against the real plugin host
    loom plugin install .  # install for this user
    loom tools call ${tool} '{"text":"hello plugin world"}'

include/loom.h is Loom's C SDK; Loom's specs/plugin-authoring.md documents the host ABI it wraps.
`;
}

/** Writes the C scaffold into `dir` (which must not exist yet); returns the tool name. */
export async function scaffoldCPlugin(dir: string, name: string): Promise<string> {
  const tool = newPluginTool(dir, name);
  for (const sub of ["src", "include", "tests"]) mkdirSync(join(dir, sub), { recursive: true });
  await Bun.write(join(dir, "loom-plugin.json"), json({ ...manifest(name, tool), build: C_BUILD }));
  await Bun.write(join(dir, "src/plugin.c"), SOURCE);
  await Bun.write(join(dir, "include/loom.h"), C_SDK_HEADER);
  await Bun.write(join(dir, "tests/cases.json"), json(cases(tool)));
  await Bun.write(join(dir, "README.md"), readme(name, tool));
  await Bun.write(join(dir, ".gitignore"), "plugin.wasm\n");
  await Bun.write(
    join(dir, "package.json"),
    json({
      name: `loom-plugin-${name}`,
      version: "0.1.0",
      description: `${name}: a Loom tool plugin in C`,
      keywords: ["loom-plugin"],
      files: ["loom-plugin.json", "plugin.wasm", "README.md"],
      scripts: { build: "loom plugin build", test: "loom plugin test" },
    }),
  );
  return tool;
}
