import { z } from 'zod'
import type { ConfigIssue } from './DingTalkConfigError'
import { describeValue } from './describeValue'
import { suggestKey } from './suggestKey'

/** The validated credentials of one instance (`<name>.json` → `authConfig`). */
export interface DDInnerAuthConfig {
  /** AppKey (Client ID), 20 characters. */
  appKey: string
  /** AppSecret (Client Secret), 64 characters. Server side only. */
  appSecret: string
  /** AgentId, 10 digits; kept as a string so no precision is ever lost. */
  agentId: string
  /** The organisation (corp) this instance logs people into. */
  corpId: string
}

const authConfigSchema = z.object({
  appKey: z.string().length(20),
  appSecret: z.string().length(64),
  agentId: z.union([
    z.number().int().min(1_000_000_000).max(9_999_999_999),
    z.string().regex(/^[1-9]\d{9}$/),
  ]),
  corpId: z.string().trim().min(1),
})

const EXPECTED: Record<keyof DDInnerAuthConfig, string> = {
  appKey: 'a string of 20 characters (the AppKey / Client ID)',
  appSecret: 'a string of 64 characters (the AppSecret / Client Secret)',
  agentId: 'an integer between 1000000000 and 9999999999 (10 digits, number or string)',
  corpId: 'a non-empty string (the organisation id, e.g. "ding…")',
}

const KNOWN_FIELDS = Object.keys(EXPECTED) as (keyof DDInnerAuthConfig)[]
const SECRET_FIELDS = new Set(['appSecret'])
const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g

function expandEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  onMissing: (name: string) => void,
): unknown {
  if (typeof value !== 'string') return value
  return value.replace(ENV_REF, (_match, name: string) => {
    const found = env[name]
    if (found === undefined || found === '') {
      onMissing(name)
      return ''
    }
    return found
  })
}

/** Validates one `authConfig` (after `"${ENV_NAME}"` expansion); records every issue, answers `null` when any. */
export function validateAuthConfig(
  raw: unknown,
  file: string,
  fieldPrefix: string,
  env: Record<string, string | undefined>,
  issues: ConfigIssue[],
): DDInnerAuthConfig | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    issues.push({
      file,
      field: fieldPrefix,
      expected: 'an object { appKey, appSecret, agentId, corpId }',
      found: describeValue(raw, false),
    })
    return null
  }
  const issuesBefore = issues.length
  const expanded: Record<string, unknown> = {}
  const missingEnv = new Set<string>()
  // A misspelt key (`corpid`) is reported as what it is, not as the field it fails to provide.
  const misspelt = new Set<string>()
  for (const key of Object.keys(raw)) {
    if ((KNOWN_FIELDS as string[]).includes(key)) continue
    const meant = suggestKey(key, KNOWN_FIELDS)
    if (meant && !(meant in raw)) misspelt.add(meant)
    issues.push({
      file,
      field: `${fieldPrefix}.${key}`,
      expected: `only the keys ${KNOWN_FIELDS.join(', ')}`,
      found: `the unknown key ${JSON.stringify(key)}`,
      fix: meant
        ? `did you mean ${meant}? Rename ${JSON.stringify(key)} to ${JSON.stringify(meant)}`
        : `remove ${JSON.stringify(key)}`,
    })
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(KNOWN_FIELDS as string[]).includes(key)) continue
    expanded[key] = expandEnv(value, env, (name) => {
      missingEnv.add(key)
      issues.push({
        file,
        field: `${fieldPrefix}.${key}`,
        expected: `the environment variable ${name} to be set`,
        found: `${name} unset or empty`,
      })
    })
  }
  const parsed = authConfigSchema.safeParse(expanded)
  if (parsed.success) {
    if (missingEnv.size > 0 || issues.length > issuesBefore) return null
    return {
      appKey: parsed.data.appKey,
      appSecret: parsed.data.appSecret,
      agentId: String(parsed.data.agentId),
      corpId: parsed.data.corpId.trim(),
    }
  }
  const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))
  for (const field of fields) {
    if (missingEnv.has(field) || misspelt.has(field)) continue
    const key = field as keyof DDInnerAuthConfig
    issues.push({
      file,
      field: `${fieldPrefix}.${field}`,
      expected: EXPECTED[key] ?? 'a valid value',
      found: describeValue(expanded[field], SECRET_FIELDS.has(field)),
    })
  }
  return null
}
