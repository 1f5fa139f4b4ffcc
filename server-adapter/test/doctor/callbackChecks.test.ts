import { createDingTalkAuth } from 'dingtalk-login-server'
import { describe, expect, it } from 'vitest'
import { checkCallbackKeys, checkCallbackUrl } from '../../src/doctor/eventChecks'
import type { DoctorDingTalkSettings, DoctorInstance } from '../../src/doctor/DoctorContext'

const AES_KEY = '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij'
const instance: DoctorInstance = {
  name: 'main',
  appKey: 'ding11n2pel2hylcaph2',
  appSecret: 's'.repeat(64),
  agentId: '3102938475',
  corpId: 'ding14baf2538452a2d9d39123d5899249cb',
}
const settings = (
  eventsUrl: string | undefined,
  apiBase = 'https://api.dingtalk.com',
): DoctorDingTalkSettings => ({
  apiBase,
  oapiBase: 'https://oapi.dingtalk.com',
  loginBase: 'https://login.dingtalk.com',
  timeoutMs: 1_000,
  fetch,
  redirectUri: undefined,
  eventsUrl,
  scope: 'openid corpid',
  now: () => Date.now(),
})

describe('doctor: HTTP callback keys', () => {
  it('a 43-character EncodingAESKey and a token are ok', () => {
    expect(checkCallbackKeys(instance, { token: '123456', aesKey: AES_KEY }).status).toBe('ok')
  })

  it('a short, a non-base64 or a missing aesKey fails without showing the key', () => {
    const short = checkCallbackKeys(instance, { token: '123456', aesKey: AES_KEY.slice(0, 40) })
    expect(short).toMatchObject({ id: 'events:callback-keys', status: 'fail' })
    expect(short.message).toContain('40 characters long')
    expect(short.fix).toContain('加密 aes_key')
    expect(JSON.stringify(short)).not.toContain(AES_KEY.slice(0, 40))

    const notBase64 = checkCallbackKeys(instance, { token: '123456', aesKey: `${AES_KEY.slice(0, 42)}-` })
    expect(notBase64.message).toContain('not base64')

    expect(checkCallbackKeys(instance, undefined).status).toBe('fail')
    expect(checkCallbackKeys(instance, { token: '', aesKey: AES_KEY }).message).toContain('token is missing')
  })

  it('createDingTalkAuth already refuses a malformed aesKey with config_error naming the console', async () => {
    await expect(
      createDingTalkAuth({
        instances: [
          {
            name: 'main',
            title: 'main',
            authConfig: {
              appKey: instance.appKey,
              appSecret: instance.appSecret,
              agentId: instance.agentId,
              corpId: instance.corpId,
            },
          },
        ],
        store: 'memory',
        directory: { events: 'callback', callback: { token: '123456', aesKey: 'too-short' } },
      }),
    ).rejects.toMatchObject({ code: 'config_error', message: expect.stringMatching(/aesKey.*43-character/) })
  })
})

describe('doctor: HTTP callback URL', () => {
  it('https is ok, plain http on a public host warns, unknown origin warns', () => {
    expect(
      checkCallbackUrl(instance, settings('https://app.example.com/api/auth/dingtalk/events')).status,
    ).toBe('ok')
    expect(
      checkCallbackUrl(instance, settings('http://app.example.com/api/auth/dingtalk/events')).status,
    ).toBe('warn')
    expect(checkCallbackUrl(instance, settings(undefined)).message).toMatch(/^not checked: /)
  })

  it('loopback http is ok against a local DingTalk (the emulator), a warning against the real one', () => {
    const url = 'http://127.0.0.1:3000/api/auth/dingtalk/events'
    expect(checkCallbackUrl(instance, settings(url, 'http://127.0.0.1:4100')).status).toBe('ok')
    const real = checkCallbackUrl(instance, settings(url))
    expect(real.status).toBe('warn')
    expect(real.message).toContain('DingTalk cannot reach')
  })
})
