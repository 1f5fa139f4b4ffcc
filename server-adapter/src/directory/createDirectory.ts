import type { Logger } from '../logger'
import type { DDInnerAuth } from '../login/DDInnerAuth'
import type { MemberLogin, OnMemberLogin } from '../login/MemberLogin'
import type { StateStore } from '../state/StateStore'
import type { BindingStore } from '../store/BindingStore'
import type { DirectoryStore } from '../store/DirectoryStore'
import { applyDirectoryEvent } from './applyDirectoryEvent'
import type { DirectoryEvent } from './applyDirectoryEvent'
import { createCallbackReceiver } from './createCallbackReceiver'
import { createInstanceLeader, recordCompleteSync } from './createInstanceLeader'
import type { InstanceLeader } from './createInstanceLeader'
import { createPeopleLifecycle } from './createPeopleLifecycle'
import type { DingTalkDirectory, DirectorySyncOptions } from './DingTalkDirectory'
import { findPersonWithBinding } from './findPersonWithBinding'
import { resolveDirectorySettings } from './DirectoryOptions'
import type { DirectoryOptions, ResolvedDirectorySettings } from './DirectoryOptions'
import { combineReports } from './DirectorySyncReport'
import { resolveDirectoryTiming } from './DirectoryTiming'
import type { SessionRevoker } from './SessionRevoker'
import { syncCorp } from './syncCorp'
import type { CorpSyncReport } from './syncCorp'

/** What {@link createDirectory} works with. */
export interface CreateDirectoryOptions {
  instances: readonly DDInnerAuth[]
  store: BindingStore & DirectoryStore
  stateStore: StateStore
  /** Ends a leaver's sessions; `null` when the app keeps its own sessions. Can be set later. */
  revoker: () => SessionRevoker | null
  logger: Logger
  now: () => number
  apiBase: string
  fetch?: typeof fetch
  options: DirectoryOptions
}

/** One instance (login type) of the directory: its corp, settings and leadership. */
interface DirectoryInstance {
  instance: DDInnerAuth
  settings: ResolvedDirectorySettings
  leader: InstanceLeader
}

/** `auth.directory`, and what the login service tells it (kept off the public `auth.directory`). */
export interface AuthDirectory {
  directory: DingTalkDirectory
  /** A login succeeded: a person recorded as left is back (the people lifecycle's `rejoin`). */
  onMemberLogin: OnMemberLogin
}

/** Builds `auth.directory`. Throws `config_error` for bad settings. */
export function createDirectory(config: CreateDirectoryOptions): AuthDirectory {
  const { instances, store, stateStore, logger, now, options } = config
  const timing = resolveDirectoryTiming(options.leader, options.stream)
  const concurrency = options.concurrency ?? 4
  const lifecycle = createPeopleLifecycle({ store, revoker: config.revoker, hooks: options, logger, now })
  const { revoker } = config
  const eventContext = { store, stateStore, lifecycle, logger, now, revoker }

  function apply(instance: DDInnerAuth, settings: ResolvedDirectorySettings, event: DirectoryEvent) {
    const scope = { instance: instance.name, corpId: instance.corpId, settings }
    return applyDirectoryEvent(eventContext, instance, scope, event)
  }

  async function syncOne(
    { instance, settings }: Omit<DirectoryInstance, 'leader'>,
    sync: DirectorySyncOptions,
  ): Promise<CorpSyncReport> {
    const report = await syncCorp(
      { instance, settings, store, lifecycle, logger, now, revoker },
      {
        dryRun: sync.dryRun === true,
        concurrency,
        ...(sync.onProgress ? { onProgress: sync.onProgress } : {}),
        ...(sync.signal ? { signal: sync.signal } : {}),
      },
    )
    logger[report.complete ? 'info' : 'warn'](
      {
        instance: report.instance,
        corpId: report.corpId,
        departments: report.departments,
        people: report.people,
        apiCalls: report.apiCalls,
        durationMs: report.durationMs,
        complete: report.complete,
        failures: report.failures.slice(0, 5),
        dryRun: report.dryRun,
      },
      report.complete ? 'directory: sync done' : 'directory: sync incomplete; nobody was marked left',
    )
    if (!report.dryRun && report.complete) await recordCompleteSync(stateStore, instance.corpId, now())
    return report
  }

  const members: DirectoryInstance[] = instances.map((instance) => {
    const settings = resolveDirectorySettings(options, instance.name)
    const leader = createInstanceLeader({
      instance,
      settings,
      stateStore,
      lifecycle,
      logger,
      now,
      timing,
      apiBase: config.apiBase,
      ...(config.fetch ? { fetch: config.fetch } : {}),
      apply: (event) => apply(instance, settings, event),
      sync: (signal) => syncOne({ instance, settings }, { signal }),
    })
    return { instance, settings, leader }
  })
  const callbacks = createCallbackReceiver({
    receivers: members.filter((member) => member.settings.events === 'callback'),
    apply: (receiver, event) => apply(receiver.instance, receiver.settings, event),
    logger,
    now,
  })
  let timer: NodeJS.Timeout | undefined
  let ticking: Promise<void> | null = null

  function tick(): Promise<void> {
    ticking ??= Promise.all(
      members.map(({ instance, leader }) =>
        leader
          .tick()
          .catch((error: unknown) =>
            logger.warn({ instance: instance.name, err: error }, 'directory: leader check failed'),
          ),
      ),
    ).then(() => {
      ticking = null
    })
    return ticking
  }

  async function onMemberLogin(login: MemberLogin): Promise<void> {
    const member = members.find(({ instance }) => instance.name === login.instance)
    if (!member) return
    const { instance, settings } = member
    await lifecycle.rejoin(
      { instance: instance.name, corpId: instance.corpId, settings, source: 'login' },
      login,
    )
  }

  const directory: DingTalkDirectory = {
    receivesCallbacks: callbacks.receivesCallbacks,
    receiveCallback: (callback) => callbacks.receiveCallback(callback),
    async sync(sync = {}) {
      const started = now()
      const chosen =
        sync.corpId === undefined ? members : members.filter((m) => m.instance.corpId === sync.corpId)
      if (sync.corpId !== undefined && chosen.length === 0)
        throw new TypeError(`directory.sync: no instance serves corp ${sync.corpId}`)
      const reports: CorpSyncReport[] = []
      for (const member of chosen) reports.push(await syncOne(member, sync))
      return combineReports(reports, now() - started, sync.dryRun === true)
    },
    async findPerson(key) {
      const { person, binding } = await findPersonWithBinding(store, key)
      return person || binding ? { person, binding } : null
    },
    departments: async (corpId) => store.listDepartments(corpId),
    people: async (corpId, filter) => store.listPeople(corpId, filter),
    async start() {
      if (timer) return
      timer = setInterval(() => void tick(), timing.renewEveryMs)
      timer.unref()
      await tick()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await ticking
      await Promise.all(members.map(({ leader }) => leader.stop()))
    },
    status: () =>
      members.map(({ instance, leader }) => ({
        instance: instance.name,
        leader: leader.leader,
        streamConnected: leader.streamConnected,
      })),
  }
  return { directory, onMemberLogin }
}
