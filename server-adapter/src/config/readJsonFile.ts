import { existsSync, readFileSync } from 'node:fs'
import type { ConfigIssue } from './DingTalkConfigError'

/**
 * Where a `JSON.parse` error happened, as `line L, column C (position N)`, and nothing else: the engine's message
 * may quote the text around the error (Node 20: `Unexpected token 'x', ..."appSecret": abc"...`), which can be
 * part of a secret, so it is only used to find the position, never shown.
 */
function jsonErrorPosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  let position = -1
  const stated = /\bposition (\d+)/.exec(message)
  if (stated) position = Number(stated[1])
  else {
    const quoted = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(
      message,
    )
    if (quoted) {
      const [, token = '', clipped, context = ''] = quoted
      const start = text.indexOf(context)
      const at = clipped && context.charAt(10) === token ? 10 : context.indexOf(token)
      if (start >= 0 && at >= 0) position = start + at
    }
  }
  if (!Number.isSafeInteger(position) || position < 0 || position > text.length) return 'invalid JSON'
  const before = text.slice(0, position).split('\n')
  return `invalid JSON at line ${before.length}, column ${before[before.length - 1]!.length + 1} (position ${position})`
}

/** Reads and parses a JSON file; on failure records the issue and answers `undefined`. */
export function readJsonFile(path: string, shown: string, issues: ConfigIssue[]): unknown {
  if (!existsSync(path)) {
    issues.push({ file: shown, field: '(file)', expected: 'the file to exist', found: 'no such file' })
    return undefined
  }
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    issues.push({ file: shown, field: '(file)', expected: 'a readable file', found: 'unreadable content' })
    return undefined
  }
  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    // Never the raw message: it may quote the file's text, secrets included.
    issues.push({
      file: shown,
      field: '(file)',
      expected: 'valid JSON',
      found: jsonErrorPosition(text, error),
    })
    return undefined
  }
}
