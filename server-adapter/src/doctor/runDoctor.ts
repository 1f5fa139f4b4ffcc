import type { Logger } from '../logger'
import type { StateStore } from '../state/StateStore'
import type { BindingStore } from '../store/BindingStore'
import { checkAgentId } from './agentIdChecks'
import { checkCredentials } from './credentialChecks'
import { checkDirectory } from './directoryChecks'
import { NOT_CHECKED } from './DoctorContext'
import type { CheckGroupResult, DoctorDingTalkSettings, DoctorInstance } from './DoctorContext'
import type { DoctorCheck, DoctorReport } from './DoctorReport'
import { toDoctorReport } from './DoctorReport'
import { checkPublicOrigin, checkSessionSecret, checkStores } from './localChecks'
import { checkLoginPage } from './loginPageChecks'
import { checkNetwork } from './networkChecks'
import { checkPermissions } from './permissionChecks'

/** What the DingTalk half of the doctor needs. */
export interface DingTalkDoctorInput {
  instances: readonly DoctorInstance[]
  settings: DoctorDingTalkSettings
}

/** What the deployment half of the doctor needs. */
export interface DeploymentDoctorInput {
  store: BindingStore
  storeName: string
  stateStore: StateStore
  stateStoreName: string
  session: { secret: string } | undefined
  ownSessions: boolean
  publicOrigin: string | undefined
  trustProxy: boolean
  production: boolean
}

/** Every DingTalk check of one instance, in the order a person would fix them. */
async function checkInstance(
  instance: DoctorInstance,
  settings: DoctorDingTalkSettings,
): Promise<DoctorCheck[]> {
  const [credentials, loginPage] = await Promise.all([
    checkCredentials(instance, settings),
    checkLoginPage(instance, settings),
  ])
  const token = credentials.appToken
  const none: CheckGroupResult = { checks: [], answers: [] }
  const groups = await Promise.all([
    token ? checkPermissions(instance, settings, token) : none,
    token ? checkAgentId(instance, settings, token) : none,
    instance.directory ? checkDirectory(instance, instance.directory, settings, token) : none,
  ])
  const answers = [...credentials.answers, ...loginPage.answers, ...groups.flatMap((group) => group.answers)]
  return [
    ...credentials.checks,
    ...loginPage.checks,
    ...groups.flatMap((group) => group.checks),
    ...checkNetwork(instance, settings, answers),
  ]
}

/**
 * Asks DingTalk about every instance (in parallel): credentials, app, corp, agentId, permissions (login, and the
 * directory sync's with its events when configured), redirect URI, IP, clock.
 */
export async function runDingTalkChecks(input: DingTalkDoctorInput): Promise<DoctorCheck[]> {
  const perInstance = await Promise.all(
    input.instances.map((instance) => checkInstance(instance, input.settings)),
  )
  return perInstance.flat()
}

/** The local half: stores, the session secret, cookies and the public origin. */
export async function runDeploymentChecks(input: DeploymentDoctorInput): Promise<DoctorCheck[]> {
  return [
    ...(await checkStores(input.store, input.storeName, input.stateStore, input.stateStoreName)),
    checkSessionSecret(input.session, input.ownSessions),
    checkPublicOrigin(input.publicOrigin, input.trustProxy, input.production),
  ]
}

/** Both halves, as one report. */
export async function runDoctor(
  dingtalk: DingTalkDoctorInput,
  deployment: DeploymentDoctorInput,
): Promise<DoctorReport> {
  const [local, remote] = await Promise.all([runDeploymentChecks(deployment), runDingTalkChecks(dingtalk)])
  return toDoctorReport([...local, ...remote])
}

/** `verifyOnStart`: one log line per DingTalk problem, nothing when all is well. Never throws. */
export async function logDingTalkProblems(input: DingTalkDoctorInput, logger: Logger): Promise<void> {
  let checks: DoctorCheck[]
  try {
    checks = await runDingTalkChecks(input)
  } catch (error) {
    logger.warn({ err: error }, 'dingtalk-login-server: the startup check of DingTalk could not run')
    return
  }
  for (const check of checks) {
    if (
      check.status === 'ok' ||
      check.id === 'permission:login-time' ||
      check.message.startsWith(NOT_CHECKED)
    )
      continue
    const line = `dingtalk-login-server: ${check.instance ?? 'deployment'}: ${check.id}: ${check.message}${check.fix ? `. Fix: ${check.fix}` : ''}`
    const fields = { instance: check.instance, check: check.id, status: check.status }
    if (check.status === 'fail') logger.error(fields, line)
    else logger.warn(fields, line)
  }
}
