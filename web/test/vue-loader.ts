/**
 * bun:test preload: lets tests import `.vue` files by compiling each single-file component with
 * @vue/compiler-sfc (script setup with the template inlined; styles are the app's CSS, not needed).
 * The compiler loads only when a test first imports a component.
 */
import { plugin } from "bun";

plugin({
  name: "loom-vue-sfc",
  setup(build) {
    build.onLoad({ filter: /\.vue$/ }, async ({ path }) => {
      const { parse, compileScript, compileTemplate } = await import("@vue/compiler-sfc");
      const { descriptor, errors } = parse(await Bun.file(path).text(), { filename: path });
      if (errors[0]) throw errors[0];
      const id = `v${Bun.hash(path).toString(16)}`;
      if (descriptor.scriptSetup) {
        const script = compileScript(descriptor, { id, inlineTemplate: true });
        return { contents: script.content, loader: "ts" };
      }
      const { code } = compileTemplate({ source: descriptor.template?.content ?? "", filename: path, id });
      return { contents: `${code}\nexport default { render };\n`, loader: "ts" };
    });
  },
});
