/**
 * `npm run screenshots`: starts the demo in this process, drives it in Debian's Chromium and writes
 * docs/images/*.png, the pictures of the root README.
 */
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { launchChromium } from '../test/support/chromium'
import { takeScreenshots } from './support/takeScreenshots'

const outDir = fileURLToPath(new URL('../docs/images', import.meta.url))

// The pages are half Chinese: without a CJK font Chromium draws boxes, and the pictures would lie.
let cjkFonts = ''
try {
  cjkFonts = execFileSync('fc-list', [':lang=zh'], { encoding: 'utf8' })
} catch {
  // no fontconfig: same answer as no font
}
if (!cjkFonts.trim()) {
  process.stderr.write('npm run screenshots needs a Chinese font: apt-get install -y fonts-wqy-microhei\n')
  process.exit(1)
}
const browser = await launchChromium()
try {
  const shots = await takeScreenshots(browser, outDir)
  for (const shot of shots) process.stdout.write(`docs/images/${shot.file}  ${shot.caption}\n`)
} finally {
  await browser.close()
}
