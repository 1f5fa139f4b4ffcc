vi.mock('react', () => ({}))

import * as core from 'react-dingtalk-login/core'
import { describe, expect, it, vi } from 'vitest'
import { createFakeBackend, createFakeBridge, createFakeQrSdk, fakeLoginResult } from '../../fakes/dingtalk'

// style.md A1: with React mocked out to an empty module, the core still runs both flows end to end.
describe('the core without React', () => {
  it('exports no React-bound API', () => {
    expect(Object.keys(core).filter((name) => /^use[A-Z]|Provider$/.test(name))).toEqual([])
  })

  it('runs a QR login', async () => {
    const sdk = createFakeQrSdk()
    const backend = createFakeBackend()
    const store = core.createQrLoginStore({ fetch: backend.fetch, loadSdk: sdk.loadSdk })
    const container = document.body.appendChild(document.createElement('div'))
    const unmount = store.getState().mount(container)
    await vi.waitFor(() => expect(store.getState().status).toBe('waiting-for-scan'))
    sdk.emitScan('qr-code')
    await vi.waitFor(() => expect(store.getState().status).toBe('success'))
    expect(store.getState().result).toEqual(fakeLoginResult())
    unmount()
  })

  it('runs a workbench login', async () => {
    const { bridge } = createFakeBridge()
    const backend = createFakeBackend()
    const store = core.createWorkbenchLoginStore({ bridge, fetch: backend.fetch })
    const stop = store.getState().start({ corpId: 'dingcorp' })
    await vi.waitFor(() => expect(store.getState().status).toBe('success'))
    stop()
  })
})
