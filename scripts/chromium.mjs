// Debian's headless Chromium through playwright-core, launched the one way every page test,
// benchmark and screenshot uses (no sandbox in containers, nothing reaching the network).
import { chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
export const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
