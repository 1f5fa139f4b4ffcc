import type { Page } from 'playwright-core'

/** unionIds of people of the emulator's default fixture, as the phone page's user list names them. */
export const FIXTURE_PEOPLE = {
  /** 张伟, main admin of 杭州云栖科技 (userid 0138261547271). */
  zhangWei: 'YFG8pm7VIM6iT1T0LYG2iE',
  /** 马超, in no organisation. */
  maChao: 'fYZursttp0Sdj8qqVi0eiE',
  /** 周杰, an external contact of 北京星河数据. */
  zhouJie: 'smDXRmiRdYkESDxnTu1siE',
} as const

/**
 * Plays the person with the phone, on the emulator's phone page (`phone`, already open): picks `unionId`, then on
 * the newest QR code shown on `origin` presses 扫码 and then 确认登录 (`approve`) or 拒绝 (`refuse`).
 */
export async function scanOnPhone(
  phone: Page,
  options: { unionId: string; origin: string; answer: 'approve' | 'refuse' },
): Promise<void> {
  await phone.locator(`#user option[value="${options.unionId}"]`).waitFor({ state: 'attached' })
  await phone.selectOption('#user', options.unionId)
  // The newest QR session of this demo (the list is newest first and names the redirect URL).
  const row = phone.locator('li[data-session]', { hasText: options.origin }).first()
  await row.waitFor()
  await row.locator('[data-action="scan"]').click()
  await phone.locator('#log', { hasText: '已扫码' }).waitFor()
  await row.locator(`[data-action="${options.answer}"]`).click()
}
