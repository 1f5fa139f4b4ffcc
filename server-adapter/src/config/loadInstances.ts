import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { z } from 'zod'
import { DingTalkAuthError } from '../errors'

/** The element type every DingTalk internal-app login instance has. */
export const DD_INNER_TYPE = 'auths.loginTypes.DDInnerType'

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

/** One login instance as given in code: `{ name, title, authConfig }`. */
export interface DingTalkInstanceInput {
  /** Instance name, the `<name>` of `auths.loginTypes.<name>`. */
  name: string
  /** Display title. */
  title?: string
  /** Credentials; any string may be `"${ENV_NAME}"` to read it from the environment. */
  authConfig: {
    appKey: string
    appSecret: string
    agentId: string | number
    corpId: string
  }
}

/** One resolved, validated instance. */
export interface ResolvedInstance {
  name: string
  title: string
  /** `auths.loginTypes.<name>` */
  fullName: string
  authConfig: DDInnerAuthConfig
  /** Where it came from: a file path, or `instances[i]` for programmatic config. */
  source: string
}

/** One configuration problem: where, which field, what was expected, what was found. */
export interface ConfigIssue {
  file: string
  field: string
  expected: string
  found: string
}

/** Invalid configuration: lists every problem found, never a secret's value. Code `config_error`. */
export class DingTalkConfigError extends DingTalkAuthError {
  /** Every problem found. */
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    super('config_error', {
      detail: `Invalid DingTalk login configuration:\n${issues
        .map((i) => `  ${i.file}: ${i.field}: expected ${i.expected}, found ${i.found}`)
        .join('\n')}`,
    })
    this.name = 'DingTalkConfigError'
    this.issues = issues
  }
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

const SECRET_FIELDS = new Set(['appSecret'])
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/

function describe(value: unknown, secret: boolean): string {
  if (value === undefined) return 'nothing (the field is missing)'
  if (value === null) return 'null'
  if (typeof value === 'string') {
    if (secret) return `a string of ${value.length} characters`
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value
    return `${JSON.stringify(shown)} (${value.length} characters)`
  }
  if (typeof value === 'number') return secret ? 'a number' : `the number ${value}`
  return `a value of type ${Array.isArray(value) ? 'array' : typeof value}`
}

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

function validateAuthConfig(
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
      found: describe(raw, false),
    })
    return null
  }
  const expanded: Record<string, unknown> = {}
  const missingEnv = new Set<string>()
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
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
    if (missingEnv.size > 0) return null
    return {
      appKey: parsed.data.appKey,
      appSecret: parsed.data.appSecret,
      agentId: String(parsed.data.agentId),
      corpId: parsed.data.corpId.trim(),
    }
  }
  const fields = new Set(parsed.error.issues.map((issue) => String(issue.path[0] ?? '')))
  for (const field of fields) {
    if (missingEnv.has(field)) continue
    const key = field as keyof DDInnerAuthConfig
    issues.push({
      file,
      field: `${fieldPrefix}.${field}`,
      expected: EXPECTED[key] ?? 'a valid value',
      found: describe(expanded[field], SECRET_FIELDS.has(field)),
    })
  }
  return null
}

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

function readJson(path: string, shown: string, issues: ConfigIssue[]): unknown {
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

function fromFolder(
  dir: string,
  env: Record<string, string | undefined>,
  issues: ConfigIssue[],
): ResolvedInstance[] {
  const root = resolve(dir)
  const shownPath = (path: string) => relative(process.cwd(), path) || path
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    issues.push({
      file: shownPath(root),
      field: '(folder)',
      expected: 'a folder of login instances (auths/loginTypes)',
      found: 'no such folder',
    })
    return []
  }
  const out: ResolvedInstance[] = []
  for (const name of readdirSync(root).sort()) {
    const folder = join(root, name)
    if (!statSync(folder).isDirectory() || name.startsWith('.')) continue
    const elementFile = join(folder, 'e.json')
    const configFile = join(folder, `${name}.json`)
    if (!NAME_PATTERN.test(name)) {
      issues.push({
        file: shownPath(folder),
        field: '(folder name)',
        expected: 'a name of letters, digits, _ or - starting with a letter',
        found: JSON.stringify(name),
      })
      continue
    }
    const element = readJson(elementFile, shownPath(elementFile), issues)
    const config = readJson(configFile, shownPath(configFile), issues)
    if (element === undefined || config === undefined) continue
    const e = (typeof element === 'object' && element !== null ? element : {}) as Record<string, unknown>
    if (e.type !== DD_INNER_TYPE) {
      issues.push({
        file: shownPath(elementFile),
        field: 'type',
        expected: JSON.stringify(DD_INNER_TYPE),
        found: describe(e.type, false),
      })
    }
    if (e.title !== undefined && typeof e.title !== 'string') {
      issues.push({
        file: shownPath(elementFile),
        field: 'title',
        expected: 'a string',
        found: describe(e.title, false),
      })
    }
    const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>
    const authConfig = validateAuthConfig(c.authConfig, shownPath(configFile), 'authConfig', env, issues)
    if (authConfig && e.type === DD_INNER_TYPE) {
      out.push({
        name,
        title: typeof e.title === 'string' ? e.title : name,
        fullName: `auths.loginTypes.${name}`,
        authConfig,
        source: shownPath(configFile),
      })
    }
  }
  if (out.length === 0 && issues.length === 0) {
    issues.push({
      file: shownPath(root),
      field: '(folder)',
      expected: 'at least one <name>/e.json + <name>/<name>.json',
      found: 'no instance folders',
    })
  }
  return out
}

function fromArray(
  inputs: readonly DingTalkInstanceInput[],
  env: Record<string, string | undefined>,
  issues: ConfigIssue[],
): ResolvedInstance[] {
  if (inputs.length === 0) {
    issues.push({
      file: 'instances',
      field: '(list)',
      expected: 'at least one instance',
      found: 'an empty list',
    })
  }
  const out: ResolvedInstance[] = []
  inputs.forEach((input, index) => {
    const file = `instances[${index}]`
    const name = (input as Partial<DingTalkInstanceInput> | null)?.name
    if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
      issues.push({
        file,
        field: 'name',
        expected: 'a name of letters, digits, _ or - starting with a letter',
        found: describe(name, false),
      })
      return
    }
    const title = input.title
    if (title !== undefined && typeof title !== 'string') {
      issues.push({ file, field: 'title', expected: 'a string', found: describe(title, false) })
    }
    const authConfig = validateAuthConfig(input.authConfig, file, 'authConfig', env, issues)
    if (authConfig)
      out.push({ name, title: title ?? name, fullName: `auths.loginTypes.${name}`, authConfig, source: file })
  })
  return out
}

/**
 * Reads and validates login instances, either from the original folder layout
 * (`<dir>/<name>/e.json` + `<dir>/<name>/<name>.json`) or from an array. `"${ENV_NAME}"` values are read from
 * `env`. Throws one {@link DingTalkConfigError} listing every problem (file, field, expected, found).
 */
export function loadInstances(
  source: string | readonly DingTalkInstanceInput[],
  env: Record<string, string | undefined> = process.env,
): ResolvedInstance[] {
  const issues: ConfigIssue[] = []
  const instances =
    typeof source === 'string' ? fromFolder(source, env, issues) : fromArray(source, env, issues)
  const byName = new Map<string, ResolvedInstance>()
  const byCorp = new Map<string, ResolvedInstance>()
  for (const instance of instances) {
    const sameName = byName.get(instance.name)
    if (sameName) {
      issues.push({
        file: instance.source,
        field: 'name',
        expected: 'a name no other instance has',
        found: `${JSON.stringify(instance.name)}, also used by ${sameName.source}`,
      })
    }
    byName.set(instance.name, instance)
    const sameCorp = byCorp.get(instance.authConfig.corpId)
    if (sameCorp) {
      issues.push({
        file: instance.source,
        field: 'authConfig.corpId',
        expected: 'a corpId no other instance has (one instance per organisation)',
        found: `${JSON.stringify(instance.authConfig.corpId)}, also used by ${sameCorp.source}`,
      })
    }
    byCorp.set(instance.authConfig.corpId, instance)
  }
  if (issues.length > 0) throw new DingTalkConfigError(issues)
  return instances
}
