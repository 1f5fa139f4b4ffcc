export { startEmulator } from './startEmulator'
export type { RunningEmulator } from './startEmulator'
export type { EmulatorOptions, IframeErrorSpec, IpRateLimit, V1ErrorSpec } from './EmulatorOptions'
export { createEmulatorClock } from './createEmulatorClock'
export type { EmulatorClock } from './createEmulatorClock'
export { defaultFixture } from './fixture/defaultFixture'
export { generateFixture } from './fixture/generateFixture'
export type { GenerateFixtureOptions } from './fixture/generateFixture'
export { validateFixture } from './fixture/validateFixture'
export type {
  EmulatorApp,
  EmulatorCallback,
  EmulatorCorp,
  EmulatorDepartment,
  EmulatorFixture,
  EmulatorMembership,
  EmulatorUser,
} from './fixture/EmulatorFixture'
export type { EmulatorStats } from './state/createStatsRecorder'
export type { EmulatorFault, FaultKind } from './state/createFaultStore'
export type { QrSessionStatus } from './state/createQrSessionStore'
export { EmulatorTestApiError } from './testOperations'
export type {
  MintedCode,
  MintFreeLoginCodeInput,
  MintOAuthCodeInput,
  QrSessionView,
  ScanInput,
  ScanResult,
} from './testOperations'
export type {
  HireInput,
  HireResult,
  LeaveInput,
  LeaveResult,
  ModifyPersonInput,
  PersonFields,
} from './org/people'
export type { CreateDepartmentInput, ModifyDepartmentInput, RemoveDepartmentInput } from './org/departments'
export type {
  DeliveryChannel,
  EventDelivery,
  EventRecord,
  OrgEvent,
  OrgEventType,
} from './events/createEventHub'
export { isRegisteredRedirectUri } from './isRegisteredRedirectUri'
export { ddloginScript } from './assets/ddlogin'
export { createAccessToken, createOapiRequestId, createV1RequestId } from './ids'
export type { StreamOptions } from './stream/StreamOptions'
export type { CallbackOptions } from './callbacks/CallbackOptions'
export type { StreamConnectionView, StreamTarget } from './stream/createStreamGateway'
export type { StreamTicket } from './stream/createTicketStore'
export type { CallbackCheckResult } from './callbacks/createCallbackDelivery'
export type { CallbackControls, PublishEventInput, StreamControls } from './events/attachEventDelivery'
export { callbackSignature, createCallbackCipher } from './callbacks/callbackCrypto'
export type { CallbackCipher } from './callbacks/callbackCrypto'
