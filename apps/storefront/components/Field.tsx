/** A labelled input whose error is announced and tied to it (aria-describedby). */
export function Field({
  name,
  label,
  error,
  defaultValue,
  type = 'text',
  autoComplete,
  required = false,
}: {
  name: string;
  label: string;
  error?: string;
  defaultValue?: string;
  type?: string;
  autoComplete?: string;
  required?: boolean;
}) {
  const id = `field-${name}`;
  return (
    <div style={{ display: 'grid', gap: '0.25rem' }}>
      <label htmlFor={id}>
        {label}
        {required ? '' : ' (optional)'}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <span id={`${id}-error`} className="error" data-testid={`error-${name}`}>
          {error}
        </span>
      )}
    </div>
  );
}
