import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { build } from 'vite'

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The demo page's sources. */
export const WEB_ROOT = fromHere('../web')

/**
 * Builds the demo page (`demo/web`) with Vite into a fresh temporary folder and returns it. The packages resolve
 * to their sources, so `npm start` needs no `npm run build` first and shows the code of this checkout.
 */
export async function buildPage(): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'dingtalk-login-demo-'))
  await build({
    configFile: false,
    root: WEB_ROOT,
    base: '/',
    logLevel: 'warn',
    plugins: [react()],
    resolve: {
      alias: [
        { find: /^react-dingtalk-login$/, replacement: fromHere('../../src/index.ts') },
        { find: /^react-dingtalk-login\/core$/, replacement: fromHere('../../src/core/index.ts') },
      ],
    },
    build: {
      outDir,
      emptyOutDir: true,
      // The SDK promises old DingTalk Android WebViews (design.md §5); the demo page keeps the same target.
      target: 'es2018',
      sourcemap: false,
      reportCompressedSize: false,
    },
  })
  return outDir
}
