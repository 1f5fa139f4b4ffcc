/** Why a test-API operation was refused; the HTTP test API answers `{ error: { code, message } }` with `status`. */
export class EmulatorTestApiError extends Error {
  readonly code: string
  readonly status: number
  constructor(status: number, code: string, message: string) {
    super(message)
    this.name = 'EmulatorTestApiError'
    this.code = code
    this.status = status
  }
}
