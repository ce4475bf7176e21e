import { useLocation } from 'preact-iso';

export const NAV_ITEMS = [
  { href: '/console/accounts', label: 'Accounts' },
  { href: '/console/spend', label: 'Seats and spend' },
  { href: '/console/explorer', label: 'API explorer' },
  { href: '/console/logs', label: 'Logs' },
] as const;

/** The page a path belongs to: /console and /console/ show Accounts, /console/accounts/:id too. */
export function activeHref(path: string): string | undefined {
  if (path === '/console') return NAV_ITEMS[0].href;
  return NAV_ITEMS.find((item) => path === item.href || path.startsWith(`${item.href}/`))?.href;
}

export function ConsoleNav() {
  const { path } = useLocation();
  const active = activeHref(path);
  return (
    <nav aria-label="Console" class="console-nav">
      <ul>
        {NAV_ITEMS.map((item) => (
          <li key={item.href}>
            <a href={item.href} aria-current={item.href === active ? 'page' : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
