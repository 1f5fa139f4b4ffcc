export { STATE_BYTES, generateState, hashState, statesEqual } from './login/state'
