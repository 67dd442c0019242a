// edit_file: replaces exact snippets in one file, all or nothing, and writes it atomically
// through the host (temp file + rename). Input: {path, edits: [{old, new, replace_all?}]}.
import { fail, fileExists, input, Json, JsonKind, jsonError, jsonString, output, parseJson, readFile, writeFile } from "../../../runtime/src/plugins/as-sdk/loom.as";

function countOf(text: string, needle: string): i32 {
  let n = 0;
  let at = text.indexOf(needle);
  while (at >= 0) {
    n++;
    at = text.indexOf(needle, at + needle.length);
  }
  return n;
}

function stringField(obj: Json, key: string, where: string): string | null {
  const v = obj.get(key);
  if (v === null || v.kind != JsonKind.String) {
    fail(where + "." + key + " must be a string");
    return null;
  }
  return v.str;
}

export function edit_file(): i32 {
  const req = parseJson(input());
  if (req === null) return fail("input is not valid JSON: " + jsonError);
  if (req.kind != JsonKind.Object) return fail("input must be an object {path, edits}");
  const path = stringField(req, "path", "input");
  if (path === null) return 1;
  const edits = req.get("edits");
  if (edits === null || edits.kind != JsonKind.Array || edits.items.length == 0) {
    return fail("input.edits must be a non-empty array of {old, new, replace_all?}");
  }

  const exists = fileExists(path);
  let text = exists ? readFile(path) : "";
  let replacements = 0;
  let created = false;
  for (let i = 0; i < edits.items.length; i++) {
    const where = "edits[" + i.toString() + "]";
    const e = edits.items[i];
    if (e.kind != JsonKind.Object) return fail(where + " must be an object {old, new, replace_all?}");
    const oldText = stringField(e, "old", where);
    if (oldText === null) return 1;
    const newText = stringField(e, "new", where);
    if (newText === null) return 1;
    const all = e.get("replace_all");
    const replaceAll = all !== null && all.kind == JsonKind.Bool && all.bool;

    if (oldText.length == 0) {
      if (exists || i > 0) {
        return fail(where + ": old is empty, which creates a new file, but " + path + " already exists");
      }
      text = newText;
      created = true;
      continue;
    }
    if (!exists && !created) return fail(path + " does not exist (an empty old creates it)");
    if (oldText == newText) return fail(where + ": old and new are the same");
    const n = countOf(text, oldText);
    if (n == 0) return fail(where + ": old text not found in " + path);
    if (n > 1 && !replaceAll) {
      return fail(
        where + ": old text matches " + n.toString() + " places in " + path + "; add context to make it unique or set replace_all",
      );
    }
    text = replaceAll ? text.replaceAll(oldText, newText) : text.replace(oldText, newText);
    replacements += replaceAll ? n : 1;
  }

  writeFile(path, text);
  output(
    '{"path":' + jsonString(path) + ',"created":' + (created ? "true" : "false") + ',"replacements":' + replacements.toString() + "}",
  );
  return 0;
}
