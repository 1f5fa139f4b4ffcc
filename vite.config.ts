import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { storybookTest } from '@storybook/addon-vitest/vitest-plugin'
import { playwright } from '@vitest/browser-playwright'
import react from '@vitejs/plugin-react'
import dts from 'vite-plugin-dts'
import { defineConfig } from 'vitest/config'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/support/chromiumFlags'
import type { TestProjectInlineConfiguration } from 'vitest/config'

const fromRoot = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Tests import every package by its npm name, resolved to its sources (style.md T2). */
const packageAliases = [
  { find: /^react-dingtalk-login$/, replacement: fromRoot('./src/index.ts') },
  { find: /^react-dingtalk-login\/core$/, replacement: fromRoot('./src/core/index.ts') },
  { find: /^dingtalk-emulator$/, replacement: fromRoot('./emulator/src/index.ts') },
  { find: /^dingtalk-login-server$/, replacement: fromRoot('./server-adapter/src/index.ts') },
  { find: /^dingtalk-login-server\/(.+)$/, replacement: fromRoot('./server-adapter/src/adapters/$1.ts') },
]

const hasChromium = existsSync(CHROMIUM_PATH)
const isCI = process.env.CI === 'true' || process.env.CI === '1'

/**
 * The component and SSR tests run once more on React 18 (users' peer range is ^18 || ^19), through these aliases.
 * Testing Library and zustand are inlined so that their own `react` imports go through the aliases too.
 */
const react18Aliases = [
  { find: /^react(\/.*)?$/, replacement: fromRoot('./test/react18/node_modules/react$1') },
  { find: /^react-dom(\/.*)?$/, replacement: fromRoot('./test/react18/node_modules/react-dom$1') },
  // Its CommonJS build would require the root React 19; the ES build goes through the aliases above.
  {
    find: /^@testing-library\/react$/,
    replacement: fromRoot('./node_modules/@testing-library/react/dist/@testing-library/react.esm.js'),
  },
]

const projects: TestProjectInlineConfiguration[] = [
  {
    extends: true,
    test: {
      name: 'client',
      environment: 'jsdom',
      include: ['test/unit/**/*.test.{ts,tsx}'],
      setupFiles: ['test/support/setupDom.ts'],
      typecheck: { enabled: true, include: ['test/types/**/*.test-d.{ts,tsx}'], tsconfig: './tsconfig.json' },
    },
  },
  {
    extends: true,
    resolve: { alias: react18Aliases },
    test: {
      name: 'client-react18',
      environment: 'jsdom',
      include: ['test/unit/react/**/*.test.{ts,tsx}'],
      setupFiles: ['test/support/setupDom.ts', 'test/support/assertReact18.ts'],
      server: { deps: { inline: [/@testing-library\/react/, /zustand/] } },
    },
  },
  {
    extends: true,
    resolve: { alias: react18Aliases },
    test: {
      name: 'ssr-react18',
      environment: 'node',
      include: ['test/ssr/**/*.test.{ts,tsx}'],
      setupFiles: ['test/support/assertReact18.ts'],
      server: { deps: { inline: [/zustand/] } },
    },
  },
  {
    extends: true,
    test: { name: 'ssr', environment: 'node', include: ['test/ssr/**/*.test.{ts,tsx}'] },
  },
  {
    extends: true,
    test: {
      name: 'server',
      environment: 'node',
      include: ['server-adapter/test/**/*.test.ts'],
      globalSetup: ['test/support/services.ts'],
      testTimeout: 20_000,
      hookTimeout: 30_000,
    },
  },
  {
    extends: true,
    test: {
      name: 'emulator',
      environment: 'node',
      include: ['emulator/test/**/*.test.ts'],
      exclude: ['emulator/test/browser/**'],
      testTimeout: 15_000,
    },
  },
]

const hasStories =
  existsSync(fromRoot('./stories')) &&
  readdirSync(fromRoot('./stories')).some((f) => f.endsWith('.stories.tsx'))

if (hasChromium) {
  if (hasStories) {
    projects.push({
      extends: true,
      plugins: [storybookTest({ configDir: fromRoot('./.storybook') })],
      // Storybook's Vitest addon fails its first run unless React is pre-bundled (toolchain.md).
      optimizeDeps: {
        include: ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'react/jsx-dev-runtime'],
      },
      test: {
        name: 'storybook',
        browser: {
          enabled: true,
          headless: true,
          provider: playwright({ launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS } }),
          instances: [{ browser: 'chromium' }],
        },
      },
    })
  }
  projects.push({
    extends: true,
    test: {
      // End-to-end tests drive Debian's Chromium through playwright-core from node, so they can start the
      // emulator and the server in the same process as the test.
      name: 'browser',
      environment: 'node',
      include: ['test/e2e/**/*.test.ts', 'emulator/test/browser/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      fileParallelism: false,
    },
  })
} else if (process.argv.some((arg) => arg.includes('vitest'))) {
  const line = `!!! SKIPPED: the 'browser' test project: no Chromium at ${CHROMIUM_PATH} (apt-get install -y chromium) !!!`
  if (isCI) throw new Error(`${line} (CI=true makes a skip a failure)`)
  // The config is loaded once per worker; say it once per run.
  if (!process.env.DINGTALK_BROWSER_SKIP_SAID) console.warn(`\n${line}\n`)
  process.env.DINGTALK_BROWSER_SKIP_SAID = '1'
}

export default defineConfig({
  plugins: [
    react(),
    dts({
      tsconfigPath: './tsconfig.build.json',
      entryRoot: 'src',
      bundleTypes: true,
    }),
  ],
  resolve: { alias: packageAliases },
  build: {
    target: 'es2018',
    minify: false,
    sourcemap: true,
    lib: {
      entry: { index: fromRoot('./src/index.ts'), core: fromRoot('./src/core/index.ts') },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^zustand($|\/)/, /^dingtalk-jsapi($|\/)/],
      output: {
        // Rollup and rolldown drop module-level directives when bundling (rollup/rollup#4699), so the React
        // entry gets its 'use client' back here (style.md P4).
        banner: (chunk) => (chunk.isEntry && chunk.name === 'index' ? "'use client';" : ''),
      },
    },
  },
  test: {
    projects,
  },
})
