/** The browser side of bench/browser-products.mjs (bundled to dist/bench-browser.mjs). */
export { measureCase } from "./products-measure";
export { backendInfo, ready } from "../src/index";
