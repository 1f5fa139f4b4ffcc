export { createAccessToken, createOapiRequestId, createV1RequestId } from './ids'
