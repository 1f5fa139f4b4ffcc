import type { DTFrameLogin } from 'react-dingtalk-login'
import { createFakeBackend, createFakeBridge, createFakeQrSdk } from '../../test/fakes/dingtalk'
import type { FakeBackend, FakeBridge, FakeBridgeMode, FakeQrSdk } from '../../test/fakes/dingtalk'

/** What a story's loader hands to its render and play functions. */
export interface StoryFakes {
  qr: FakeQrSdk
  backend: FakeBackend
  bridge: FakeBridge
}

// A stand-in for DingTalk's QR page, so stories show a QR-like square and never load login.dingtalk.com.
const QR_PLACEHOLDER = `<!doctype html><meta charset="utf-8"><body style="margin:0;display:grid;place-items:center;height:100vh;font:13px sans-serif;color:#555">
<svg width="180" height="180" viewBox="0 0 7 7" shape-rendering="crispEdges" aria-hidden="true">
<path d="M0 0h3v3H0zM4 0h3v3H4zM0 4h3v3H0z" fill="#111"/><path d="M1 1h1v1H1zM5 1h1v1H5zM1 5h1v1H1z" fill="#fff"/>
<path d="M4 4h1v1H4zM6 4h1v1H6zM5 5h1v1H5zM4 6h1v1H4zM6 6h1v1H6z" fill="#111"/></svg>
<p>fake DingTalk QR code (stories)</p></body>`

/**
 * The shared fake `ddlogin.js` (test/fakes) as a `loadSdk`, with one change for stories: the iframe it creates
 * shows a local placeholder instead of loading DingTalk's page, so no story touches the network (style.md T4).
 */
export function storyLoadSdk(qr: FakeQrSdk): (options?: unknown) => Promise<DTFrameLogin> {
  const quiet: DTFrameLogin = (frameParams, loginParams, successCbk, errorCbk) => {
    const iframe = qr.DTFrameLogin(frameParams, loginParams, successCbk, errorCbk)
    if (iframe) {
      iframe.removeAttribute('src')
      iframe.srcdoc = QR_PLACEHOLDER
      iframe.title = 'DingTalk QR code'
    }
    return iframe
  }
  return (options) => {
    qr.loads.push(options)
    return Promise.resolve(quiet)
  }
}

/** A loader making fresh fakes for each rendered story. */
export function fakesLoader(
  options: { bridge?: FakeBridgeMode; inDingTalk?: boolean; setup?: (fakes: StoryFakes) => void } = {},
) {
  return (): { fakes: StoryFakes } => {
    const fakes: StoryFakes = {
      qr: createFakeQrSdk(),
      backend: createFakeBackend(),
      bridge: createFakeBridge({
        env: options.inDingTalk === false ? { platform: 'not-in-dingtalk' } : {},
        ...(options.bridge ? { mode: options.bridge } : {}),
      }),
    }
    options.setup?.(fakes)
    return { fakes }
  }
}

/** The fakes of a story's context (from {@link fakesLoader}). */
export function fakesOf(context: { loaded: Record<string, unknown> }): StoryFakes {
  return context.loaded.fakes as StoryFakes
}
