export { formatTime } from '../../format-time.ts';

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
