import type { DDInnerAuthConfig, ResolvedInstance } from '../config/loadInstances'
import { DD_INNER_TYPE } from '../config/loadInstances'
import type { DDInnerClient } from '../dingtalk/DingTalkClient'

/** Element name of the binding model, as in the original element tree. */
export const DD_INNER_AUTH_MODEL = 'auths.loginTypes.DDInnerType.models.DDInnerAuthModel'

/** Element name of the login service. */
export const DD_INNER_AUTH_SVC = 'auths.loginTypes.DDInnerType.services.DDInnerAuthSvc'

/** The public login configuration of an instance: what a browser may know. */
export interface DDInnerLoginConfig {
  appKey: string
}

/**
 * One login instance (`auths.loginTypes.<name>`): one internal DingTalk app of one corp. Keeps the original
 * element's names.
 */
export class DDInnerAuth {
  /** Instance name. */
  readonly name: string
  /** Display title. */
  readonly title: string
  /** `auths.loginTypes.<name>` */
  readonly fullName: string
  /** Always `'auths.loginTypes.DDInnerType'`. */
  readonly authType: typeof DD_INNER_TYPE = DD_INNER_TYPE
  /** The element name of the binding model. */
  readonly authModelElemName: string = DD_INNER_AUTH_MODEL
  /**
   * The validated credentials. `appSecret` is readable but not enumerable, so logging or serialising this object
   * does not print it.
   */
  readonly authConfig: Readonly<DDInnerAuthConfig>
  readonly #client: DDInnerClient

  constructor(instance: ResolvedInstance, client: DDInnerClient) {
    this.name = instance.name
    this.title = instance.title
    this.fullName = instance.fullName
    const config = {
      appKey: instance.authConfig.appKey,
      agentId: instance.authConfig.agentId,
      corpId: instance.authConfig.corpId,
    }
    Object.defineProperty(config, 'appSecret', { value: instance.authConfig.appSecret, enumerable: false })
    this.authConfig = Object.freeze(config as DDInnerAuthConfig)
    this.#client = client
  }

  /** The corp this instance logs people into. */
  get corpId(): string {
    return this.authConfig.corpId
  }

  /** What the browser needs to start a login: `{ appKey }` only, never the secret. */
  getLoginConfig(): DDInnerLoginConfig {
    return { appKey: this.authConfig.appKey }
  }

  /** The DingTalk API client of this instance's app. */
  getClient(): DDInnerClient {
    return this.#client
  }

  /** A serialisable description without secrets. */
  toJSON(): {
    name: string
    title: string
    fullName: string
    authType: string
    appKey: string
    corpId: string
    agentId: string
  } {
    return {
      name: this.name,
      title: this.title,
      fullName: this.fullName,
      authType: this.authType,
      appKey: this.authConfig.appKey,
      corpId: this.authConfig.corpId,
      agentId: this.authConfig.agentId,
    }
  }
}
