import type { ParamSpec } from './explorer-schema.ts';

interface ParamFieldProps {
  param: ParamSpec;
  value: string;
  onInput(value: string): void;
}

const HINTS: Partial<Record<ParamSpec['kind'], string>> = {
  array: 'Several values: separate them with commas.',
  object: 'One key=value per line.',
};

/**
 * One published parameter as a labelled control (the label is the wire name, so what the person
 * types maps 1:1 to the query string) with the server's description under it.
 */
export function ParamField({ param, value, onInput }: ParamFieldProps) {
  const id = `param-${param.name}`;
  const descId = `${id}-desc`;
  const common = { id, name: param.name, 'aria-describedby': descId, value };
  let control;
  if (param.kind === 'enum' || param.kind === 'boolean') {
    const options = param.kind === 'boolean' ? ['true', 'false'] : (param.options ?? []);
    control = (
      <select {...common} onChange={(e) => onInput(e.currentTarget.value)}>
        <option value="">{param.defaultValue ? `(default: ${param.defaultValue})` : '(not set)'}</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (param.kind === 'object') {
    control = <textarea {...common} rows={2} spellcheck={false} placeholder="foo=bar" onInput={(e) => onInput(e.currentTarget.value)} />;
  } else if (param.kind === 'integer') {
    control = (
      <input
        {...common}
        type="number"
        inputMode="numeric"
        min={1}
        required={param.required}
        autocomplete="off"
        onInput={(e) => onInput(e.currentTarget.value)}
      />
    );
  } else {
    control = <input {...common} type="text" required={param.required} spellcheck={false} autocomplete="off" onInput={(e) => onInput(e.currentTarget.value)} />;
  }
  return (
    <div class="explorer-param">
      <label for={id}>
        <code>{param.name}</code>
        {param.required && <span class="explorer-required"> (required)</span>}
      </label>
      {control}
      <small id={descId} class="explorer-param-desc">
        {param.description}
        {HINTS[param.kind] ? ` ${HINTS[param.kind]}` : ''}
      </small>
    </div>
  );
}
