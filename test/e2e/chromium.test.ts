import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../support/chromium'

describe('Chromium on loopback', () => {
  let browser: Browser
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
    res.end('<!doctype html><title>钉钉登录</title><p id="p">ok</p>')
  })

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    browser = await launchChromium()
  })
  afterAll(async () => {
    await browser?.close()
    await new Promise((resolve) => server.close(resolve))
  })

  it('loads a page served on loopback and has the Web Crypto the SDK needs', async () => {
    const page = await browser.newPage()
    const { port } = server.address() as AddressInfo
    await page.goto(`http://127.0.0.1:${port}/`)
    expect(await page.title()).toBe('钉钉登录')
    expect(await page.evaluate(() => typeof crypto.getRandomValues === 'function' && isSecureContext)).toBe(
      true,
    )
    await page.close()
  })
})
