// Brings the root globalSetup's `ProvidedContext` declaration (`inject('services')`) into this package's typecheck.
export type { ServiceAvailability } from '../../../test/support/services'
