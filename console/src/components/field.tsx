import type { ComponentChildren } from 'preact';

interface FieldProps {
  /** The visible label; the control inside is labelled by it (an implicit <label>). */
  label: string;
  /** A hint under the control (format, default). */
  hint?: ComponentChildren;
  /** A validation message, shown in the error colour and announced. */
  error?: string;
  /** Side by side with its neighbours in a .field-row instead of full width. */
  inline?: boolean;
  /** One control: <input>, <select> or <textarea>. */
  children: ComponentChildren;
}

/**
 * A labelled form control. The <label> wraps the control, so `getByLabel(label)` and screen
 * readers find it without ids; the hint and error sit outside the label text so the accessible
 * name stays exactly `label`.
 */
export function Field({ label, hint, error, inline, children }: FieldProps) {
  return (
    <div class={inline ? 'field field-inline' : 'field'}>
      <label>
        <span class="field-label">{label}</span>
        {children}
      </label>
      {hint && <small class="field-hint">{hint}</small>}
      {error && (
        <small class="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}
