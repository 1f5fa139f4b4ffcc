import { compareVersions, detectDingTalkEnv } from 'react-dingtalk-login/core'
import { describe, expect, it } from 'vitest'

const hints = (overrides: Partial<Parameters<typeof detectDingTalkEnv>[0] & object> = {}) => ({
  userAgent: '',
  windowName: '',
  bridgeConfig: '',
  hasPcInvokeApi: false,
  topPlatform: undefined,
  ...overrides,
})

// Review finding 4: the Harmony rule and a non-string hostVersion.
describe('detectDingTalkEnv, as dingtalk-jsapi decides', () => {
  it('takes an Android-based HarmonyOS 2–4 DingTalk for android', () => {
    const userAgent =
      'Mozilla/5.0 (Linux; Android 10; HarmonyOS; NOH-AN00) AppleWebKit/537.36 Chrome/99 Mobile Safari/537.36 AliApp(DingTalk/7.6.0) com.alibaba.android.rimet/1 DingTalk/7.6.0'
    expect(detectDingTalkEnv(hints({ userAgent })).platform).toBe('android')
  })

  it('still takes OpenHarmony with ArkWeb, and a top-window harmony, for harmony', () => {
    const userAgent = 'Mozilla/5.0 (Phone; OpenHarmony 4.1) ArkWeb/4.1.6.1 Mobile DingTalk/7.6.0'
    expect(detectDingTalkEnv(hints({ userAgent })).platform).toBe('harmony')
    expect(detectDingTalkEnv(hints({ topPlatform: 'harmony' })).platform).toBe('harmony')
  })

  it('keeps a hostVersion only when it is a string', () => {
    const env = detectDingTalkEnv(
      hints({
        windowName: JSON.stringify({ containerId: 'c', hostVersion: 7 }),
        userAgent: 'DingTalk(7.8.10-Release)',
      }),
    )
    expect(env).toMatchObject({ platform: 'pc', version: '7.8.10' })
    expect(() => compareVersions(env.version!, '7.0.50')).not.toThrow()
  })
})
