import { compareVersions, detectDingTalkEnv } from 'react-dingtalk-login/core'
import type { ContainerHints } from 'react-dingtalk-login/core'
import { describe, expect, it } from 'vitest'

const hints = (overrides: Partial<ContainerHints>): ContainerHints => ({
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
  windowName: '',
  bridgeConfig: '',
  hasPcInvokeApi: false,
  topPlatform: undefined,
  ...overrides,
})

// User agents from dingtalk-protocol.md Appendix A.7.
const IOS =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 26_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/23E246 AliApp(DingTalk/7.8.1) com.laiwang.DingTalk/46766536 Channel/201200 language/zh-Hans-CN UT4Aplus/0.0.6 WK'
const ANDROID =
  'Mozilla/5.0 (Linux; Android 11; Pixel 4 XL Build/RQ3A.210705.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/83.0.4103.106 Mobile Safari/537.36 AliApp(DingTalk/5.1.5) com.alibaba.android.rimet/13534898 Channel/212200 language/zh-CN UT4Aplus/0.2.25 colorScheme/light'
const WINDOWS =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.5359.125 Safari/537.36 dingtalk-win/1.0.0 nw(0.14.7) DingTalk(7.8.10-Release.250724002) Mojo/1.0.0 Native AppType(release) Channel/201200 Architecture/x86_64'

describe('detectDingTalkEnv', () => {
  it('is not-in-dingtalk on the server and in a plain browser', () => {
    expect(detectDingTalkEnv(undefined)).toEqual({
      platform: 'not-in-dingtalk',
      inDingTalk: false,
      version: undefined,
    })
    expect(detectDingTalkEnv(hints({})).platform).toBe('not-in-dingtalk')
  })

  it('reads iOS and Android clients and their versions from the user agent', () => {
    expect(detectDingTalkEnv(hints({ userAgent: IOS }))).toEqual({
      platform: 'ios',
      inDingTalk: true,
      version: '7.8.1',
    })
    expect(detectDingTalkEnv(hints({ userAgent: ANDROID }))).toEqual({
      platform: 'android',
      inDingTalk: true,
      version: '5.1.5',
    })
    expect(
      detectDingTalkEnv(hints({ userAgent: 'Mozilla/5.0 OpenHarmony ArkWeb/4.1 DingTalk/7.6.0' })),
    ).toMatchObject({
      platform: 'harmony',
      version: '7.6.0',
    })
  })

  it('needs the container config for the PC client: a desktop UA with "DingTalk" is not enough', () => {
    expect(detectDingTalkEnv(hints({ userAgent: WINDOWS })).platform).toBe('not-in-dingtalk')
    const name = 'x{"hostOrigin":"https://x.dingtalk.com","containerId":"c1","hostVersion":"7.6.0"}'
    expect(detectDingTalkEnv(hints({ userAgent: WINDOWS, windowName: name }))).toEqual({
      platform: 'pc',
      inDingTalk: true,
      version: '7.6.0',
    })
    expect(detectDingTalkEnv(hints({ userAgent: WINDOWS, hasPcInvokeApi: true }))).toMatchObject({
      platform: 'pc',
      version: '7.8.10',
    })
    expect(
      detectDingTalkEnv(hints({ bridgeConfig: '{"containerId":"c2","hostOrigin":"https://x.dingtalk.com"}' }))
        .platform,
    ).toBe('pc')
    expect(detectDingTalkEnv(hints({ windowName: '{not json' })).platform).toBe('not-in-dingtalk')
  })

  it('follows the top window config when the page is framed', () => {
    expect(detectDingTalkEnv(hints({ topPlatform: 'gdtPc' })).platform).toBe('pc')
    expect(detectDingTalkEnv(hints({ topPlatform: 'notInDingTalk' })).platform).toBe('not-in-dingtalk')
  })

  it('reads the real jsdom window without throwing', () => {
    expect(detectDingTalkEnv().platform).toBe('not-in-dingtalk')
  })
})

describe('compareVersions', () => {
  it('compares numerically and ignores suffixes', () => {
    expect(compareVersions('7.0.45', '7.0.50')).toBe(-1)
    expect(compareVersions('7.10.0', '7.9.9')).toBe(1)
    expect(compareVersions('7.0.50-Release.1', '7.0.50')).toBe(0)
    expect(compareVersions('7', '7.0.0')).toBe(0)
  })
})
