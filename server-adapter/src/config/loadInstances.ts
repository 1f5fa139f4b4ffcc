import { existsSync, readdirSync, statSync } from 'node:fs'
import { isAbsolute, join, relative, resolve } from 'node:path'
import { DingTalkConfigError } from './DingTalkConfigError'
import type { ConfigIssue } from './DingTalkConfigError'
import { describeValue } from './describeValue'
import { readJsonFile } from './readJsonFile'
import { suggestKey } from './suggestKey'
import { validateAuthConfig } from './validateAuthConfig'
import type { DDInnerAuthConfig } from './validateAuthConfig'

export { DingTalkConfigError, formatConfigIssue } from './DingTalkConfigError'
export type { ConfigIssue } from './DingTalkConfigError'
export type { DDInnerAuthConfig } from './validateAuthConfig'

/** The element type every DingTalk internal-app login instance has. */
export const DD_INNER_TYPE = 'auths.loginTypes.DDInnerType'

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

const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/

/** A path as it would be written in `instances: '…'`. */
const asOption = (path: string) => (path.startsWith('.') || isAbsolute(path) ? path : `./${path}`)
const isFolder = (path: string) => existsSync(path) && statSync(path).isDirectory()
const subfolders = (dir: string) =>
  readdirSync(dir)
    .filter((name) => !name.startsWith('.') && isFolder(join(dir, name)))
    .sort()
/** An instance folder holds an `e.json`. */
const isInstanceFolder = (dir: string) => existsSync(join(dir, 'e.json'))

/**
 * `instances` pointing one level too high (`./auths` instead of `./auths/loginTypes`) or one too low (at a single
 * instance folder) is a common first mistake: say which folder was meant instead of listing missing `e.json` files.
 */
function misplacedFolderIssue(root: string, shownPath: (path: string) => string): ConfigIssue | undefined {
  if (isInstanceFolder(root)) {
    const parent = join(root, '..')
    return {
      file: shownPath(root),
      field: '(folder)',
      expected: 'the folder that holds the instance folders (<name>/e.json)',
      found: 'one instance folder (it has an e.json itself)',
      fix: `point instances at its parent: instances: '${asOption(shownPath(parent))}'`,
    }
  }
  for (const name of subfolders(root)) {
    const folder = join(root, name)
    if (isInstanceFolder(folder)) continue
    const instances = subfolders(folder).filter((child) => isInstanceFolder(join(folder, child)))
    if (instances.length === 0) continue
    return {
      file: shownPath(root),
      field: '(folder)',
      expected:
        'the folder that holds the instance folders (<name>/e.json + <name>/<name>.json), e.g. auths/loginTypes',
      found: `its parent: ${shownPath(folder)}/ holds the instance folders ${instances.join(', ')}`,
      fix: `instances: '${asOption(shownPath(folder))}'`,
    }
  }
  return undefined
}

/** Top-level keys of an instance file that are misspellings of the known ones (`authconfig`, `Type`). */
function misspeltKeys(
  value: unknown,
  known: readonly string[],
  file: string,
  issues: ConfigIssue[],
): Set<string> {
  const meantKeys = new Set<string>()
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return meantKeys
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue
    const meant = suggestKey(key, known)
    if (!meant || meant in value) continue
    meantKeys.add(meant)
    issues.push({
      file,
      field: key,
      expected: `only the keys ${known.join(', ')}`,
      found: `the unknown key ${JSON.stringify(key)}`,
      fix: `did you mean ${meant}? Rename ${JSON.stringify(key)} to ${JSON.stringify(meant)}`,
    })
  }
  return meantKeys
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
  const misplaced = misplacedFolderIssue(root, shownPath)
  if (misplaced) {
    issues.push(misplaced)
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
    const element = readJsonFile(elementFile, shownPath(elementFile), issues)
    const config = readJsonFile(configFile, shownPath(configFile), issues)
    if (element === undefined || config === undefined) continue
    misspeltKeys(element, ['title', 'type'], shownPath(elementFile), issues)
    const misspeltConfig = misspeltKeys(config, ['authConfig'], shownPath(configFile), issues)
    const e = (typeof element === 'object' && element !== null ? element : {}) as Record<string, unknown>
    if (e.type !== DD_INNER_TYPE) {
      issues.push({
        file: shownPath(elementFile),
        field: 'type',
        expected: JSON.stringify(DD_INNER_TYPE),
        found: describeValue(e.type, false),
      })
    }
    if (e.title !== undefined && typeof e.title !== 'string') {
      issues.push({
        file: shownPath(elementFile),
        field: 'title',
        expected: 'a string',
        found: describeValue(e.title, false),
      })
    }
    const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>
    const authConfig = misspeltConfig.has('authConfig')
      ? null
      : validateAuthConfig(c.authConfig, shownPath(configFile), 'authConfig', env, issues)
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
        found: describeValue(name, false),
      })
      return
    }
    const title = input.title
    if (title !== undefined && typeof title !== 'string') {
      issues.push({ file, field: 'title', expected: 'a string', found: describeValue(title, false) })
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
