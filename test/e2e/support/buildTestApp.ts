import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { build } from 'vite'

const fromHere = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The built test page (`test/e2e/app`). */
export interface TestAppBuild {
  /** Folder with `index.html` and `assets/`. */
  dir: string
  /** `index.html` as built, with the `<meta name="container-shim">` placeholder still in it. */
  html: string
  /** URL paths (`/assets/…`) of the chunks that hold `dingtalk-jsapi`: loaded only inside DingTalk. */
  jsapiChunks: string[]
  /** Removes the folder. */
  remove(): Promise<void>
}

interface ManifestChunk {
  file: string
  src?: string
  isDynamicEntry?: boolean
  imports?: string[]
}

/**
 * Builds `test/e2e/app` with Vite like an integrator's app: the SDK by its package name resolved to `src/`, the
 * React plugin, and the real `dingtalk-jsapi` bundled from node_modules (split off by the SDK's dynamic import).
 */
async function buildOnce(): Promise<TestAppBuild> {
  const dir = await mkdtemp(join(tmpdir(), 'dingtalk-login-e2e-'))
  try {
    await build({
      configFile: false,
      root: fromHere('../app'),
      base: '/',
      logLevel: 'warn',
      plugins: [react()],
      resolve: {
        alias: [
          { find: /^react-dingtalk-login$/, replacement: fromHere('../../../src/index.ts') },
          { find: /^react-dingtalk-login\/core$/, replacement: fromHere('../../../src/core/index.ts') },
        ],
      },
      build: {
        outDir: dir,
        emptyOutDir: true,
        target: 'es2018',
        manifest: true,
        minify: false,
        sourcemap: false,
        reportCompressedSize: false,
      },
    })
    const manifest = JSON.parse(await readFile(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >
    // The dynamic imports of `dingtalk-jsapi` and every chunk only they pull in.
    const jsapi = new Set<string>()
    const visit = (key: string) => {
      const chunk = manifest[key]
      if (!chunk || jsapi.has(chunk.file)) return
      jsapi.add(chunk.file)
      chunk.imports?.forEach(visit)
    }
    for (const [key, chunk] of Object.entries(manifest)) {
      if (chunk.isDynamicEntry && key.includes('dingtalk-jsapi')) visit(key)
    }
    const entryFiles = new Set<string>()
    const visitEntry = (key: string) => {
      const chunk = manifest[key]
      if (!chunk || entryFiles.has(chunk.file)) return
      entryFiles.add(chunk.file)
      chunk.imports?.forEach(visitEntry)
    }
    visitEntry('index.html')
    const jsapiChunks = [...jsapi].filter((file) => !entryFiles.has(file)).map((file) => `/${file}`)
    if (jsapiChunks.length === 0) throw new Error('the test page build has no dingtalk-jsapi chunk')
    const html = await readFile(join(dir, 'index.html'), 'utf8')
    const remove = async () => {
      memo = undefined
      await rm(dir, { recursive: true, force: true })
    }
    return { dir, html, jsapiChunks, remove }
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
}

let memo: Promise<TestAppBuild> | undefined

/** The test page, built once per test file (worker) until `remove()`; later calls share that build. */
export function buildTestApp(): Promise<TestAppBuild> {
  if (!memo) {
    const pending = buildOnce()
    memo = pending
    pending.catch(() => {
      if (memo === pending) memo = undefined
    })
  }
  return memo
}
