import {
  DingTalkApiError,
  DingTalkAuthError,
  createMaskingLogger,
  maskSecrets,
  maskText,
  pickLocale,
} from 'dingtalk-login-server'
import type { Logger } from 'dingtalk-login-server'
import { describe, expect, it } from 'vitest'

describe('masking', () => {
  it('masks codes, tokens, secrets, states, cookies and phone numbers by key', () => {
    const masked = maskSecrets({
      code: 'a1b2c3d4e5f6',
      authCode: 'hYLK98jkf0m',
      accessToken: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
      appSecret: 'x'.repeat(64),
      state: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      cookie: 'dt_session=eyJhbGciOi',
      mobile: '13800138000',
      nested: { refresh_token: 'rt-123456', list: [{ phone: '+86-13912345678' }] },
      corpId: 'ding0123',
      count: 3,
    }) as Record<string, unknown>
    expect(masked).toEqual({
      code: '***(12)',
      authCode: '***(11)',
      accessToken: '***(32)',
      appSecret: '***(64)',
      state: '***(43)',
      cookie: '***(21)',
      mobile: '*********00',
      nested: { refresh_token: '***(9)', list: [{ phone: '*************78' }] },
      corpId: 'ding0123',
      count: 3,
    })
  })

  it('masks secrets and phone numbers inside text', () => {
    const text = maskText(
      'GET /gettoken?appkey=dingx&appsecret=SECRET123 access_token=abc123 call 13800138000 now',
    )
    expect(text).not.toContain('SECRET123')
    expect(text).not.toContain('abc123')
    expect(text).not.toContain('13800138000')
    expect(text).toContain('appkey=dingx')
  })

  it('masks case variants of secret keys, bearer tokens, bare JWTs and session/state cookies in text', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLXZhbHVl'
    const secrets = {
      'APPSECRET=AppSecretValue1': 'AppSecretValue1',
      'client_secret=ClientSecretValue2': 'ClientSecretValue2',
      'tmp_auth_code=TmpAuthCodeValue3': 'TmpAuthCodeValue3',
      'x-acs-dingtalk-access-token: AcsTokenValue4': 'AcsTokenValue4',
      'Authorization: Bearer OpaqueBearerValue5': 'OpaqueBearerValue5',
      [`Authorization: Bearer ${jwt}`]: jwt,
      [`token in a message ${jwt} here`]: jwt,
      [`Cookie: dingtalk_session=${jwt}; theme=dark`]: jwt,
      'Cookie: dingtalk_login_state=LoginStateNonceValue6; theme=dark': 'LoginStateNonceValue6',
      'set-cookie dingtalk_session=SessionValue7; Path=/': 'SessionValue7',
    }
    for (const [text, secret] of Object.entries(secrets)) {
      const masked = maskText(text)
      expect(masked, text).not.toContain(secret)
    }
    expect(maskText('Cookie: dingtalk_login_state=LoginStateNonceValue6; theme=dark')).toContain('theme=dark')
    expect(maskText('appkey=dingx&appsecret=S1')).toContain('appkey=dingx')
  })

  it('masks formatted phone numbers in text and numeric phone numbers under phone-like keys', () => {
    for (const text of [
      'call 138-0013-8000 now',
      'call 138 0013 8000 now',
      'tel +86 138-0013-8000',
      '+8613800138000',
    ]) {
      const masked = maskText(text)
      expect(masked, text).not.toMatch(/0013|00138/)
    }
    const masked = maskSecrets({ mobile: 13800138000, phoneNumber: 13912345678, stateCode: 86, count: 3 })
    expect(JSON.stringify(masked)).not.toContain('13800138000')
    expect(JSON.stringify(masked)).not.toContain('13912345678')
    expect(masked).toMatchObject({ mobile: '*********00', phoneNumber: '*********78', count: 3 })
  })

  it('keeps the stable errorCode readable', () => {
    expect(maskSecrets({ errorCode: 'code_invalid', code: 'abc' })).toEqual({
      errorCode: 'code_invalid',
      code: '***(3)',
    })
  })

  it('logs errors by name, code and request id, with the cause chain, masked', () => {
    const cause = new DingTalkApiError({
      endpoint: 'POST /v1.0/oauth2/userAccessToken',
      status: 400,
      code: 'invalidParameter.authCode.notFound',
      requestId: 'REQ-1',
      dingTalkMessage: '不合法的临时授权码 code=abcdef',
    })
    const error = new DingTalkAuthError('code_invalid', { cause, requestId: 'REQ-1' })
    const masked = maskSecrets({ err: error }) as { err: Record<string, unknown> }
    expect(masked.err).toMatchObject({
      name: 'DingTalkAuthError',
      code: 'code_invalid',
      status: 401,
      requestId: 'REQ-1',
      cause: {
        name: 'DingTalkApiError',
        code: 'invalidParameter.authCode.notFound',
        endpoint: cause.endpoint,
      },
    })
    expect(JSON.stringify(masked)).not.toContain('abcdef')
  })

  it('a masking logger never throws, even when the base logger does', () => {
    const lines: unknown[] = []
    const base: Logger = {
      debug: () => {
        throw new Error('broken logger')
      },
      info: (obj: unknown, msg?: string) => void lines.push([obj, msg]),
      warn: () => {},
      error: () => {},
    }
    const logger = createMaskingLogger(base)
    expect(() => logger.debug({ token: 'x' }, 'hi')).not.toThrow()
    logger.info({ token: 'secret-token' }, 'login with code=abc123')
    expect(JSON.stringify(lines)).not.toContain('secret-token')
    expect(JSON.stringify(lines)).not.toContain('abc123')
  })
})

describe('errors', () => {
  it('carry a stable code, a status and zh-CN/en messages without DingTalk text', () => {
    const error = new DingTalkAuthError('permission_denied', {
      missingScopes: ['Contact.User.Read'],
      requestId: 'R1',
      cause: new Error('没有调用该接口的权限'),
    })
    expect(error.status).toBe(403)
    expect(error.toJSON('zh-CN')).toEqual({
      error: {
        code: 'permission_denied',
        message: '应用缺少所需的钉钉接口权限，请联系管理员',
        requestId: 'R1',
        missingScopes: ['Contact.User.Read'],
      },
    })
    expect(error.userMessage('en')).toMatch(/permission/)
  })

  it('picks the language from Accept-Language', () => {
    expect(pickLocale('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN')
    expect(pickLocale('en-US,en;q=0.9,zh-CN;q=0.8')).toBe('en')
    expect(pickLocale('fr-FR, zh-TW;q=0.5')).toBe('zh-CN')
    expect(pickLocale('de')).toBe('en')
    expect(pickLocale(null)).toBe('en')
  })
})
