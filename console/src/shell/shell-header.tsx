import { ConsoleNav } from './console-nav.tsx';

interface ShellHeaderProps {
  /** Undefined until GET /environment answers (the space is reserved: no shift when it lands). */
  environmentName?: string;
  onSignOut(): void;
}

/**
 * The top bar: the product, the navigation, the environment the token belongs to and Sign out.
 * The nav comes right after the skip link in the tab order.
 */
export function ShellHeader({ environmentName, onSignOut }: ShellHeaderProps) {
  return (
    <header class="shell-header">
      <div class="shell-bar">
        <span class="brand">Tessera</span>
        <ConsoleNav />
        <div class="shell-session">
          <span class="environment" title="Environment">
            <span class="visually-hidden">Environment: </span>
            <span data-testid="environment-name">{environmentName ?? '\u00a0'}</span>
          </span>
          <button type="button" class="button-secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </div>
    </header>
  );
}
