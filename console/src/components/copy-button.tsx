import { useEffect, useState } from 'preact/hooks';

interface CopyButtonProps {
  /** What goes to the clipboard. */
  text: string;
  /** The button's text (and accessible name), e.g. "Copy as curl". */
  label?: string;
}

/**
 * Copies `text`: the async Clipboard API where the page may use it (a secure context: https or
 * localhost), else a hidden <textarea> and execCommand('copy'), which plain-http deployments on
 * another host still allow. The result is announced in a live region next to the button.
 */
export function CopyButton({ text, label = 'Copy' }: CopyButtonProps) {
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (status === 'idle') return;
    const timer = setTimeout(() => setStatus('idle'), 2000);
    return () => clearTimeout(timer);
  }, [status]);
  return (
    <span class="copy-button">
      <button type="button" class="button-secondary" onClick={() => copyText(text).then((ok) => setStatus(ok ? 'copied' : 'failed'))}>
        {label}
      </button>
      <span class="copy-status" role="status" aria-live="polite">
        {status === 'copied' ? 'Copied' : status === 'failed' ? 'Copy failed: select the text instead' : ''}
      </span>
    </span>
  );
}

export async function copyText(text: string): Promise<boolean> {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Permission refused (or no focus): the fallback below may still work.
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'visually-hidden';
  document.body.appendChild(area);
  area.select();
  let ok: boolean;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
