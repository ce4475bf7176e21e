/**
 * Timestamps as the API gives them (UTC ISO 8601), shown in UTC and in one unambiguous form on
 * every page (`2026-12-08 02:50 UTC`; with seconds for logs), so every reader sees the same minute
 * whatever the browser's locale (a locale's 08/12/2026 is a different day in another).
 */
export function formatTime(iso: string | null | undefined, options: { seconds?: boolean } = {}): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d
    .toISOString()
    .slice(0, options.seconds ? 19 : 16)
    .replace('T', ' ')} UTC`;
}
