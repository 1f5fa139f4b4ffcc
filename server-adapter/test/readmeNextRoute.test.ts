import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')

describe('Next.js as written', () => {
  it('the README’s route.ts is the one CI builds and logs in with (test/fixtures/next-app)', () => {
    const readme = read('../README.md')
    const section = readme.slice(readme.indexOf('#### Next.js (App Router)'))
    const snippet = /```ts\n([\s\S]*?)```/.exec(section)?.[1]
    const fixture = read('../../test/fixtures/next-app/app/api/auth/dingtalk/[...route]/route.ts')
    // The fixture's first line says where it comes from.
    expect(snippet?.trim()).toBe(fixture.split('\n').slice(1).join('\n').trim())
  })
})
