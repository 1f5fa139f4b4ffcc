import type { ResolvedInstance } from '../config/loadInstances'
import type { ResolvedDingTalkSettings } from '../DingTalkAuthCore'
import { resolveDirectorySettings } from '../directory/DirectoryOptions'
import { routePath } from '../http/basePath'
import type { DirectoryOptions } from '../directory/DirectoryOptions'
import type { DoctorDirectorySettings } from './DoctorContext'
import type { DingTalkDoctorInput } from './runDoctor'

/** What {@link createDoctorInput} reads of `createDingTalkAuth`'s options, resolved. */
export interface DoctorInputSource {
  instances: readonly ResolvedInstance[]
  settings: ResolvedDingTalkSettings
  now: () => number
  fetch: typeof fetch | undefined
  publicOrigin: string | undefined
  /** The handler's base path (`/api/auth/dingtalk`). */
  basePath: string
  /** Already validated (the directory was built from it). */
  directory: DirectoryOptions | undefined
}

function directoryOf(options: DirectoryOptions, instance: string): DoctorDirectorySettings {
  const settings = resolveDirectorySettings(options, instance)
  return {
    events: settings.events,
    callback: settings.callback,
    leaveRecords: settings.leaveRecordsEveryMs !== false,
  }
}

/** The instances, DingTalk's origins and the deployment's URLs, as the doctor asks DingTalk about them. */
export function createDoctorInput(source: DoctorInputSource): DingTalkDoctorInput {
  const origin = source.publicOrigin ? new URL(source.publicOrigin).origin : undefined
  const { basePath, directory } = source
  return {
    instances: source.instances.map((instance) => ({
      name: instance.name,
      ...instance.authConfig,
      ...(directory ? { directory: directoryOf(directory, instance.name) } : {}),
    })),
    settings: {
      ...source.settings,
      now: source.now,
      fetch: source.fetch ?? ((input, init) => fetch(input, init)),
      // As the handler builds them: the redirect URI it hands out, and the URL it serves the callbacks at.
      redirectUri: origin ? `${origin}${routePath(basePath, '/callback')}` : undefined,
      eventsUrl: origin ? `${origin}${routePath(basePath, '/events')}` : undefined,
    },
  }
}
