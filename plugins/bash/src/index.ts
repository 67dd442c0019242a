import { definePlugin } from "@loom/runtime/define-tool";
import { bashTool } from "./bash.ts";

export default definePlugin({ name: "bash", version: "0.1.0", tools: [bashTool] });
