import axios from 'axios'
import { DWClient, EventAck } from 'dingtalk-stream'
import type { DWClientDownStream } from 'dingtalk-stream'
import { GATEWAY_URL } from 'dingtalk-stream/constants'

/**
 * The official `dingtalk-stream` client hard-codes DingTalk's gateway URL; this interceptor on the axios instance it
 * imports sends the `connections/open` call to the emulator instead. Everything after it (the WebSocket to the
 * returned endpoint, frames, acks) is the SDK's own code.
 */
let gatewayBase: string | undefined
axios.interceptors.request.use((config) => {
  if (gatewayBase && config.url === GATEWAY_URL) config.url = `${gatewayBase}/v1.0/gateway/connections/open`
  return config
})

export function pointStreamSdkAt(emulatorUrl: string): void {
  gatewayBase = emulatorUrl
}

/** A DWClient that records every EVENT frame it receives and answers each with `answer(frame)`. */
export function recordingClient(
  app: { clientId: string; clientSecret: string },
  answer: (frame: DWClientDownStream) => 'SUCCESS' | 'LATER' = () => 'SUCCESS',
) {
  const client = new DWClient({ clientId: app.clientId, clientSecret: app.clientSecret })
  const frames: DWClientDownStream[] = []
  client.registerAllEventListener((frame) => {
    frames.push(frame)
    return { status: EventAck[answer(frame)] }
  })
  return { client, frames }
}
