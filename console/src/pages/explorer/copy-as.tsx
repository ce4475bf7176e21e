import { useState } from 'preact/hooks';
import { CopyButton } from '../../components/copy-button.tsx';
import { cliSnippet, curlSnippet, sdkSnippet, type CallSpec } from './snippets.ts';

const TABS = [
  { id: 'curl', label: 'curl', build: curlSnippet, note: 'Set TESSERA_TOKEN to your API token first.' },
  { id: 'cli', label: 'tessera CLI', build: cliSnippet, note: 'Uses the token of `tessera login` (or TESSERA_TOKEN); add --api-url for another server.' },
  { id: 'sdk', label: 'TypeScript SDK', build: sdkSnippet, note: 'npm install @tessera-api/sdk; the token comes from TESSERA_TOKEN.' },
] as const;

type TabId = (typeof TABS)[number]['id'];

/** The call as curl, CLI and SDK text in keyboard-operable tabs (arrow keys move between them, as the ARIA pattern says). */
export function CopyAs({ spec }: { spec: CallSpec }) {
  const [current, setCurrent] = useState<TabId>('curl');
  const index = TABS.findIndex((t) => t.id === current);
  const tab = TABS[index];
  const text = tab.build(spec);
  const move = (delta: number) => {
    const next = TABS[(index + delta + TABS.length) % TABS.length];
    setCurrent(next.id);
    document.getElementById(`copy-as-tab-${next.id}`)?.focus();
  };
  return (
    <section class="explorer-copy" aria-labelledby="copy-as-title">
      <h2 id="copy-as-title">Copy as</h2>
      <div role="tablist" aria-label="Copy as" class="tabs">
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`copy-as-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={t.id === current}
            aria-controls="copy-as-panel"
            tabIndex={t.id === current ? 0 : -1}
            onClick={() => setCurrent(t.id)}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') move(1);
              else if (e.key === 'ArrowLeft') move(-1);
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id="copy-as-panel" role="tabpanel" aria-labelledby={`copy-as-tab-${current}`}>
        <pre class="code-block explorer-pre explorer-snippet" tabIndex={0} aria-label={`${tab.label} command`} data-testid={`snippet-${current}`}>
          {text}
        </pre>
        <p class="explorer-note">
          <CopyButton text={text} label={`Copy ${tab.label}`} /> {tab.note}
        </p>
      </div>
    </section>
  );
}
