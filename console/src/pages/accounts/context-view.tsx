import { Fragment } from 'preact';
import { contextEntries } from './mask.ts';

/** The account's context as path → value, credentials replaced by a mask (mask.ts): never their values. */
export function ContextView({ context, passwordFields }: { context: Record<string, unknown>; passwordFields: ReadonlySet<string> }) {
  const entries = contextEntries(context, passwordFields);
  if (!entries.length) return <p class="empty">The account's context is empty.</p>;
  return (
    <dl class="details acc-context">
      {entries.map((e) => (
        <Fragment key={e.path}>
          <dt>
            <code>{e.path}</code>
          </dt>
          <dd>{e.masked ? <span title="Credential, not shown">{e.value}</span> : <code>{e.value}</code>}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
