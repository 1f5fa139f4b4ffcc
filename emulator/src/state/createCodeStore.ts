import { createAccessToken } from '../ids'

/** `oauth`: the authCode of the QR / login page; `freeLogin`: the code of `requestAuthCode` in the container. */
export type CodeKind = 'oauth' | 'freeLogin'

/** A code the emulator issued. */
export interface IssuedCode {
  code: string
  kind: CodeKind
  /** App the code is bound to (always for OAuth codes; free-login codes only when minted with a clientId). */
  clientId: string | undefined
  unionId: string
  /** The corp of the login: required for free-login codes, set for OAuth codes with the `corpid` scope. */
  corpId: string | undefined
  scope: string
  createdAt: number
  expiresAt: number
  used: boolean
}

/** Single-use codes with expiry. */
export interface CodeStore {
  issue(fields: Omit<IssuedCode, 'code' | 'createdAt' | 'expiresAt' | 'used'>, ttlMs: number): IssuedCode
  /** The code if it exists, is unused and unexpired, and `accept` agrees; it is then marked used. */
  consume(code: unknown, accept: (issued: IssuedCode) => boolean): IssuedCode | undefined
  clear(): void
}

export function createCodeStore(now: () => number): CodeStore {
  const codes = new Map<string, IssuedCode>()
  return {
    issue(fields, ttlMs) {
      const createdAt = now()
      const issued: IssuedCode = {
        ...fields,
        code: createAccessToken(),
        createdAt,
        expiresAt: createdAt + ttlMs,
        used: false,
      }
      codes.set(issued.code, issued)
      return issued
    },
    consume(code, accept) {
      if (typeof code !== 'string') return undefined
      const issued = codes.get(code)
      if (!issued || issued.used || now() >= issued.expiresAt || !accept(issued)) return undefined
      issued.used = true
      return issued
    },
    clear: () => codes.clear(),
  }
}
