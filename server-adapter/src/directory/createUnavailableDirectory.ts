import { DingTalkAuthError } from '../errors'
import type { DingTalkDirectory } from './DingTalkDirectory'

/** `auth.directory` of a store that keeps no directory: every call says why. */
export function createUnavailableDirectory(): DingTalkDirectory {
  const unavailable = async (): Promise<never> => {
    throw new DingTalkAuthError('config_error', {
      detail: 'directory: the store keeps no directory; use a built-in store or implement DirectoryStore',
    })
  }
  return {
    sync: unavailable,
    findPerson: unavailable,
    departments: unavailable,
    people: unavailable,
    start: unavailable,
    async stop() {},
    receiveCallback: unavailable,
    receivesCallbacks: false,
    status: () => [],
  }
}
