import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'vite'

const require = createRequire(import.meta.url)

/**
 * Bundles the real `dingtalk-jsapi` (CommonJS) for the browser as one IIFE that exposes `window.jsapi` with both
 * requestAuthCode APIs and `getENV`, exactly as an app would import them.
 */
export async function bundleJsapi(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dingtalk-jsapi-bundle-'))
  try {
    const resolve = (id: string) => JSON.stringify(require.resolve(id))
    const entry = join(dir, 'entry.js')
    await writeFile(
      entry,
      `import ${resolve('dingtalk-jsapi/entry/union')}
import requestAuthCode from ${resolve('dingtalk-jsapi/api/union/requestAuthCode')}
import oldRequestAuthCode from ${resolve('dingtalk-jsapi/api/runtime/permission/requestAuthCode')}
import { getENV } from ${resolve('dingtalk-jsapi/lib/env')}
window.jsapi = { requestAuthCode, oldRequestAuthCode, getENV }
`,
    )
    await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      build: {
        outDir: join(dir, 'out'),
        emptyOutDir: true,
        minify: false,
        lib: { entry, formats: ['iife'], name: 'jsapiBundle', fileName: () => 'jsapi.js' },
      },
    })
    return await readFile(join(dir, 'out', 'jsapi.js'), 'utf8')
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
