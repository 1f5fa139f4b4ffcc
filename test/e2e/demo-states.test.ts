import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { takeScreenshots } from '../../demo/support/takeScreenshots'
import { launchChromium } from '../support/chromium'

// The same walk `npm run screenshots` takes, into a temporary folder: each step waits for the state it shows
// (workbench free login through the container shim, its QR fallback, refusal, outsider, external contact,
// expired QR, the directory page after a leave), so a broken state fails here before it could reach a README
// picture.
describe('the demo page, state by state', () => {
  let browser: Browser
  let outDir: string
  beforeAll(async () => {
    browser = await launchChromium()
    outDir = await mkdtemp(join(tmpdir(), 'dingtalk-demo-states-'))
  })
  afterAll(async () => {
    await browser?.close()
    await rm(outDir, { recursive: true, force: true })
  })

  it('reaches every state the README shows', async () => {
    const shots = await takeScreenshots(browser, outDir)
    expect(shots.map((s) => s.file)).toEqual([
      'demo-qr-login.png',
      'demo-phone.png',
      'demo-qr-scanned.png',
      'demo-profile.png',
      'demo-workbench.png',
      'demo-workbench-fallback.png',
      'demo-error-refused.png',
      'demo-error-outside-corp.png',
      'demo-error-not-member.png',
      'demo-error-expired.png',
      'demo-directory.png',
    ])
    for (const shot of shots) expect(existsSync(join(outDir, shot.file))).toBe(true)
  }, 240_000)
})
