// Finds and launches the system's Chromium for playwright-core (which downloads nothing):
// $CHROMIUM_PATH, else `chromium` / `chromium-browser` on PATH, else /usr/bin/chromium.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

export function findChromium() {
  if (process.env.CHROMIUM_PATH) return existsSync(process.env.CHROMIUM_PATH) ? process.env.CHROMIUM_PATH : null;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      const path = execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
      if (path) return path;
    } catch {
      // not on PATH
    }
  }
  return existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : null;
}

// Headless, offline (no calls home), and WebGL2 through ANGLE's SwiftShader software
// renderer, so gpu.js has a WebGL2 backend without a GPU.
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
];

/** Launches Chromium with a fresh profile; close() also removes the profile. */
export async function launchChromium() {
  const executablePath = findChromium();
  if (!executablePath)
    throw new Error("Chromium not found (install the Debian package 'chromium' or set CHROMIUM_PATH)");
  const profile = mkdtempSync(join(tmpdir(), "glocal-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 1400 },
  });
  return {
    context,
    executablePath,
    version: context.browser()?.version() ?? null,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
