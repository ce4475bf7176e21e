import type { ComponentChildren } from 'preact';

interface PageHeaderProps {
  /** The page's one <h1>: the shell renders none, so every route names itself. */
  title: string;
  /** A line under the title: what the page shows, or what it is about (an account's name). */
  description?: ComponentChildren;
  /** Buttons or links on the right (they wrap under the title on a phone). */
  actions?: ComponentChildren;
}

/** The top of every page: its <h1>, an optional description, and its actions. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <header class="page-header">
      <div class="page-header-text">
        <h1>{title}</h1>
        {description && <p class="page-description">{description}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </header>
  );
}
