import { definePlugin } from "@loom/runtime/define-tool";
import { createWebSearchTool } from "./web-search.ts";

export default definePlugin({ name: "web", version: "0.1.0", tools: [createWebSearchTool()] });
