import type { Api } from './api.ts';

/** What every page gets from the shell. Route parameters come from preact-iso's useRoute(). */
export interface PageProps {
  api: Api;
}
