import { useEffect, useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.tsx';
import { Field } from '../../components/field.tsx';
import { addDays, csvFilename, toCsv, unusedSeats, type SeatUser } from './aggregate.ts';
import { type SectionInputs, AccountNotes, CsvButton, Loading, Section } from './shared.tsx';

/** A long list (Copilot's 250 seats) stays one screen until asked; the CSV always has every row. */
const SHOWN = 25;

interface Props extends SectionInputs<SeatUser> {
  idleDays: number;
  onIdleDays: (days: number) => void;
}

export function UnusedSection({ lists, pending, total, scope, range, idleDays, onIdleDays }: Props) {
  const [draft, setDraft] = useState(String(idleDays));
  const [showAll, setShowAll] = useState(false);
  useEffect(() => setDraft(String(idleDays)), [idleDays]);
  const valid = /^\d+$/.test(draft) && Number(draft) >= 1 && Number(draft) <= 3650;
  // Measured from the end of the range, so the table answers "as of" the period on screen.
  const asOf = `${addDays(range.to, 1)}T00:00:00Z`;
  const unused = pending === 0 ? unusedSeats(lists, idleDays, asOf) : undefined;
  const csv = () =>
    toCsv(
      ['Tool', 'Account', 'User id', 'Name', 'Email', 'Last active', 'Days idle'],
      (unused?.rows ?? []).map((r) => [r.integration, r.accountId, r.id, r.name, r.email, r.lastActiveAt, r.idleDays]),
    );
  return (
    <Section
      id="unused"
      title="Unused paid seats"
      description={`Active seats with no activity in the ${idleDays} days up to ${range.to}, the end of the range (only where the tool reports activity).`}
      actions={
        unused && unused.rows.length > 0 && <CsvButton csv={csv} filename={csvFilename(`unused-seats-${idleDays}d`, scope, range)} what="unused paid seats" />
      }
    >
      <form
        class="spend-idle-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) onIdleDays(Number(draft));
        }}
      >
        <Field label="No activity for more than (days)" inline error={valid ? undefined : 'A whole number of days, 1 to 3650'}>
          <input
            type="number"
            min={1}
            max={3650}
            step={1}
            value={draft}
            onInput={(e) => setDraft(e.currentTarget.value)}
            onChange={(e) => {
              const v = e.currentTarget.value;
              if (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 3650) onIdleDays(Number(v));
            }}
          />
        </Field>
      </form>
      {!unused ? (
        <Loading what="users" pending={pending} total={total} minHeight="10rem" />
      ) : (
        <>
          {unused.rows.length === 0 ? (
            <p class="empty">No active seat has been idle for more than {idleDays} days. Lower the number of days to see the least active seats.</p>
          ) : (
            <DataTable
              caption={`${unused.rows.length} unused paid seats${unused.rows.length > SHOWN && !showAll ? `, the ${SHOWN} idle longest shown` : ''}`}
              rows={showAll ? unused.rows : unused.rows.slice(0, SHOWN)}
              rowKey={(r) => `${r.accountId}:${r.id}`}
              columns={[
                { key: 'integration', label: 'Tool' },
                { key: 'name', label: 'Name' },
                { key: 'email', label: 'Email' },
                { key: 'lastActiveAt', label: 'Last active', render: (r) => r.lastActiveAt.slice(0, 10) },
                { key: 'idleDays', label: 'Days idle', align: 'right' },
              ]}
            />
          )}
          {unused.rows.length > SHOWN && (
            <button type="button" class="button-secondary spend-show-all" aria-expanded={showAll} onClick={() => setShowAll(!showAll)}>
              {showAll ? `Show the first ${SHOWN}` : `Show all ${unused.rows.length}`}
            </button>
          )}
          {unused.notReported.length > 0 && (
            <p class="spend-section-description">
              Activity not reported (not counted as unused):{' '}
              {unused.notReported.map((n) => `${n.count} active seat${n.count === 1 ? '' : 's'} in ${n.integration}`).join(', ')}.
            </p>
          )}
          <AccountNotes lists={lists} />
        </>
      )}
    </Section>
  );
}
