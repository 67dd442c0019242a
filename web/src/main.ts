import { createApp } from "vue";
import App from "./App.vue";
import { applyTheme, storedTheme } from "./lib/theme.ts";
import { createLoomRouter } from "./router.ts";
import "./styles.css";
import "./styles-account.css";

applyTheme(storedTheme());
createApp(App).use(createLoomRouter()).mount("#app");
