/** Link tokens: single-use, 7-day tokens for the hosted connect page (docs/platform.md). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface LinkTokenRows {}
