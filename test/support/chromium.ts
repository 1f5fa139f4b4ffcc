import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromiumFlags'

export { CHROMIUM_PATH }

/** Starts headless Debian Chromium with the flags this machine needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS })
}
