import { definePlugin } from "@loom/runtime/define-tool";
import { globTool } from "./glob.ts";
import { grepTool } from "./grep.ts";
import { listFilesTool } from "./list-files.ts";
import { readFileTool } from "./read-file.ts";

export default definePlugin({
  name: "fs",
  version: "0.1.0",
  tools: [readFileTool, listFilesTool, grepTool, globTool],
});
