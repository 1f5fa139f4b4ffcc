import type { DingTalkAuthCore } from '../DingTalkAuthCore'
import { DingTalkAuthError } from '../errors'
import type { StateStore } from '../state/StateStore'
import { isDirectoryStore } from '../store/DirectoryStore'
import { createDirectory } from './createDirectory'
import type { AuthDirectory } from './createDirectory'
import { createUnavailableDirectory } from './createUnavailableDirectory'
import type { DirectoryOptions } from './DirectoryOptions'
import type { SessionRevoker } from './SessionRevoker'

/**
 * The `auth.directory` of a login: the directory sync where the binding store keeps a directory; with what the login
 * service tells it.
 */
export function createAuthDirectory(
  directoryOptions: DirectoryOptions | undefined,
  fetchOverride: typeof fetch | undefined,
  core: DingTalkAuthCore,
  stateStore: StateStore,
  revoker: () => SessionRevoker | null,
): AuthDirectory {
  const store = core.store
  if (!isDirectoryStore(store)) {
    if (directoryOptions) {
      throw new DingTalkAuthError('config_error', {
        detail:
          'directory: the given store keeps no directory (listDepartments, upsertPeople, …); use a built-in store or implement DirectoryStore',
      })
    }
    return { directory: createUnavailableDirectory(), onMemberLogin: () => {} }
  }
  return createDirectory({
    instances: core.instances,
    store,
    stateStore,
    revoker,
    logger: core.logger,
    now: core.now,
    apiBase: core.settings.apiBase,
    ...(fetchOverride ? { fetch: fetchOverride } : {}),
    options: directoryOptions ?? {},
  })
}
