/** The emulator's default fixture, as the browser tests use it. */
export const YUNQI_CORP = 'ding14baf2538452a2d9d39123d5899249cb'
export const XINGHE_CORP = 'dinge3e10f41714ca803e1123e3ad40948f6'
/** 云栖统一登录, an app of 云栖. */
export const APP = {
  clientId: 'ding11n2pel2hylcaph2',
  secret: 'pIUNcHwUqKDKXXNzdcsl2jAAKKXyw_9IP2E7pSBx-_nUystfGgNHNB1PGWQesn9o',
}
/** 张伟, a member of 云栖 only. */
export const ZHANGWEI = '0138261547271'

/** What the app's server learns from a free-login code: `topapi/v2/user/getuserinfo` with the app's token. */
export async function getUserInfo(emulatorUrl: string, code: string): Promise<Record<string, unknown>> {
  const tokenRes = await fetch(`${emulatorUrl}/gettoken?appkey=${APP.clientId}&appsecret=${APP.secret}`)
  const { access_token } = (await tokenRes.json()) as { access_token: string }
  const res = await fetch(`${emulatorUrl}/topapi/v2/user/getuserinfo?access_token=${access_token}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code }),
  })
  return (await res.json()) as Record<string, unknown>
}
