/** Timestamps as the API gives them (UTC ISO 8601), shown in UTC so every reader sees the same minute. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  connecting: 'Connecting',
  post_install_error: 'Post-install error',
  validation_error: 'Validation error',
  needs_reauth: 'Needs re-authentication',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}
