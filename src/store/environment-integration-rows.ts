/** An integration installed in an environment: its override and flags (docs/platform.md). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface EnvironmentIntegrationRows {}
