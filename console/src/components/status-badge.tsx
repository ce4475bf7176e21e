type Tone = 'ok' | 'warn' | 'error' | 'neutral';

/**
 * Account statuses (store/types.ts), seat statuses of the unified users model, webhook delivery
 * states and anything else by name; unknown names are shown as they are, in the neutral tone.
 */
const TONES: Record<string, Tone> = {
  active: 'ok',
  accepted: 'ok',
  delivered: 'ok',
  success: 'ok',
  succeeded: 'ok',
  connecting: 'warn',
  invited: 'warn',
  pending: 'warn',
  inactive: 'neutral',
  disabled: 'neutral',
  expired: 'neutral',
  deleted: 'neutral',
  needs_reauth: 'error',
  validation_error: 'error',
  post_install_error: 'error',
  failed: 'error',
  error: 'error',
};

function toneOf(status: string | number): Tone {
  if (typeof status === 'number' || /^\d{3}$/.test(status)) {
    const code = Number(status);
    return code < 300 ? 'ok' : code < 400 ? 'neutral' : code < 500 ? 'warn' : 'error';
  }
  return TONES[status.toLowerCase()] ?? 'neutral';
}

interface StatusBadgeProps {
  /** An account/seat/delivery status name, or an HTTP status code (200, "404"). */
  status: string | number | null | undefined;
  /** Overrides the text shown (the tone still comes from `status`). */
  label?: string;
}

/**
 * A status as a small coloured badge. The text is always there (colour is never the only cue):
 * `needs_reauth` reads "needs reauth", an HTTP status reads as its number.
 */
export function StatusBadge({ status, label }: StatusBadgeProps) {
  if (status === null || status === undefined || status === '') return <span class="badge badge-neutral">—</span>;
  const text = label ?? String(status).replace(/_/g, ' ');
  return <span class={`badge badge-${toneOf(status)}`}>{text}</span>;
}
