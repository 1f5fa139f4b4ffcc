import { chromium } from 'playwright-core'
import type { Browser } from 'playwright-core'

/** Debian's Chromium (`apt-get install -y chromium`); never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/**
 * Starts headless Chromium with the flags this machine needs: without the background-networking ones it
 * tries to reach Google's hosts on every start, and the closed network refuses them.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
}
