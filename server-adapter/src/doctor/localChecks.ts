import { MIN_SESSION_SECRET_BYTES } from '../session/createSessionManager'
import type { StateStore } from '../state/StateStore'
import type { BindingStore } from '../store/BindingStore'
import type { DoctorCheck } from './DoctorReport'

const deploymentCheck = (
  id: string,
  status: DoctorCheck['status'],
  message: string,
  fix?: string,
): DoctorCheck => ({
  instance: null,
  id,
  status,
  message,
  ...(fix ? { fix } : {}),
})

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!

/** The binding store and the state store answer a read (opening them has already created and migrated tables). */
export async function checkStores(
  store: BindingStore,
  storeName: string,
  stateStore: StateStore,
  stateStoreName: string,
): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = []
  try {
    await store.findBinding({ id: 'dingtalk-doctor-probe' })
    checks.push(
      deploymentCheck('store', 'ok', `the binding store (${storeName}) answers and its tables are migrated`),
    )
  } catch (error) {
    checks.push(
      deploymentCheck(
        'store',
        'fail',
        `the binding store (${storeName}) fails a read: ${errorText(error)}`,
        'Check the store URL, that the database server is up and that its user may create tables',
      ),
    )
  }
  try {
    await stateStore.get('dingtalk:doctor-probe')
    checks.push(deploymentCheck('state-store', 'ok', `the state store (${stateStoreName}) answers`))
  } catch (error) {
    checks.push(
      deploymentCheck(
        'state-store',
        'fail',
        `the state store (${stateStoreName}) fails a read: ${errorText(error)}`,
        'Check the stateStore URL (e.g. redis://…) and that the server is up',
      ),
    )
  }
  return checks
}

const MAKE_SECRET = `node -e "console.log(require('node:crypto').randomBytes(32).toString('base64url'))"`
const PLACEHOLDER = /change.?me|secret|password|example|your|test|default|12345|abcdef|x{8}/i

/** The built-in session secret: long enough, and not a placeholder or a run of one character. */
export function checkSessionSecret(
  session: { secret: string } | undefined,
  ownSessions: boolean,
): DoctorCheck {
  if (!session) {
    return ownSessions
      ? deploymentCheck('session-secret', 'ok', 'sessions are the app’s own (onLogin)')
      : deploymentCheck(
          'session-secret',
          'fail',
          'no session secret: auth.handler answers every login with config_error',
          `Set SESSION_SECRET to 32 random bytes (${MAKE_SECRET}) and pass session: { secret: process.env.SESSION_SECRET }`,
        )
  }
  const { secret } = session
  const bytes = typeof secret === 'string' ? Buffer.byteLength(secret, 'utf8') : 0
  if (bytes < MIN_SESSION_SECRET_BYTES) {
    return deploymentCheck(
      'session-secret',
      'fail',
      `the session secret has ${bytes} bytes; at least ${MIN_SESSION_SECRET_BYTES} are needed`,
      `Make one with ${MAKE_SECRET}`,
    )
  }
  const distinct = new Set(secret).size
  if (distinct < 12 || PLACEHOLDER.test(secret)) {
    return deploymentCheck(
      'session-secret',
      'warn',
      `the session secret looks guessable (${distinct} distinct characters${PLACEHOLDER.test(secret) ? ', a placeholder word' : ''})`,
      `Replace it with random bytes: ${MAKE_SECRET}`,
    )
  }
  return deploymentCheck('session-secret', 'ok', `the session secret is ${bytes} bytes and looks random`)
}

/** A loopback host name (`localhost`, `127.x.x.x`, `[::1]`). */
export const LOOPBACK = /^(localhost|127(?:\.\d+){3}|\[::1\])$/

/**
 * Cookies and the public origin agree: the redirect URI DingTalk sees and the `Secure` flag of the cookies come from
 * `publicOrigin`, or (without it) from each request's Host and scheme, which a proxy or a dev proxy changes.
 */
export function checkPublicOrigin(
  publicOrigin: string | undefined,
  trustProxy: boolean,
  production: boolean,
): DoctorCheck {
  if (publicOrigin !== undefined) {
    let url: URL
    try {
      url = new URL(publicOrigin)
    } catch {
      return deploymentCheck(
        'public-origin',
        'fail',
        `publicOrigin ${JSON.stringify(publicOrigin)} is not a URL`,
        'Set publicOrigin to https://your.host',
      )
    }
    if (url.pathname !== '/' || url.search) {
      return deploymentCheck(
        'public-origin',
        'fail',
        `publicOrigin ${publicOrigin} has a path; only its origin ${url.origin} is used`,
        `Set publicOrigin to ${url.origin} and basePath to the path`,
      )
    }
    if (url.protocol === 'https:') {
      return deploymentCheck(
        'public-origin',
        'ok',
        `public origin ${url.origin}: cookies are Secure (__Host- state cookie)`,
      )
    }
    if (LOOPBACK.test(url.hostname)) {
      return deploymentCheck(
        'public-origin',
        'ok',
        `public origin ${url.origin} (local development over http)`,
      )
    }
    return deploymentCheck(
      'public-origin',
      'warn',
      `public origin ${url.origin} is plain http: cookies go without Secure and the login can be intercepted`,
      `Serve the app over https and set publicOrigin to https://${url.host}`,
    )
  }
  if (trustProxy) {
    return deploymentCheck(
      'public-origin',
      'ok',
      'the origin comes from X-Forwarded-Proto / X-Forwarded-Host (trustProxy): make sure only your proxy can reach the server',
    )
  }
  return deploymentCheck(
    'public-origin',
    production ? 'warn' : 'ok',
    'no publicOrigin: the redirect URI and the cookies’ Secure flag follow each request’s Host and scheme',
    production
      ? 'Behind a proxy (nginx, a load balancer, Vite’s dev proxy) set http.publicOrigin to the origin users open, or trustProxy: true'
      : undefined,
  )
}
