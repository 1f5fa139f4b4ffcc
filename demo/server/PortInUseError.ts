/** A port somebody else has: `npm start` turns this into one clear message. */
export class PortInUseError extends Error {
  readonly port: number
  /** `PORT` or `EMULATOR_PORT`. */
  readonly setting: 'PORT' | 'EMULATOR_PORT'

  constructor(port: number, setting: 'PORT' | 'EMULATOR_PORT', options?: { cause?: unknown }) {
    super(
      `port ${port} is already in use (${setting === 'PORT' ? 'the demo server' : 'the DingTalk emulator'})`,
      options,
    )
    this.name = 'PortInUseError'
    this.port = port
    this.setting = setting
  }
}

export const isAddressInUse = (error: unknown) => (error as { code?: string } | null)?.code === 'EADDRINUSE'
