import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// `loom serve` serves dist/ at `/`; hashed files live under /assets/ (cached for a year).
export default defineConfig({
  root: import.meta.dirname,
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    // No inline <script>/<style> and no data: module preload polyfill: the server's CSP forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: { proxy: { "/api": "http://127.0.0.1:8080" } },
});
