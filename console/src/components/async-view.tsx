import type { ComponentChildren } from 'preact';
import type { AsyncState } from './use-async.ts';

interface AsyncViewProps<T> {
  state: AsyncState<T>;
  /** What the section is, for screen readers: "Loading accounts…". */
  label: string;
  /** True when the data is there but has nothing to show. */
  isEmpty?: (data: T) => boolean;
  /** What to say (and offer) when empty: what the person can do next. */
  empty?: ComponentChildren;
  /** Reserve this height while loading so nothing below jumps when the data lands. */
  minHeight?: string;
  children: (data: T) => ComponentChildren;
}

/** Loading, error (the API's own message), empty and loaded states of one fetch, the same on every page. */
export function AsyncView<T>({ state, label, isEmpty, empty, minHeight = '8rem', children }: AsyncViewProps<T>) {
  if (state.error && state.data === undefined) {
    return (
      <div class="notice notice-error" role="alert" style={{ minHeight }}>
        <p>{state.error.message}</p>
        <button type="button" onClick={state.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (state.data === undefined) {
    return (
      <div class="loading" aria-busy="true" role="status" style={{ minHeight }}>
        {label}
      </div>
    );
  }
  return (
    <div aria-busy={state.loading} style={{ minHeight }}>
      {state.error && (
        <p class="notice notice-error" role="alert">
          {state.error.message}
        </p>
      )}
      {isEmpty?.(state.data) ? <div class="empty">{empty}</div> : children(state.data)}
    </div>
  );
}
