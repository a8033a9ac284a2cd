import type { CombinedError } from "urql";

/** A server refusal: a `UserError` of a payload, or the message of a GraphQL error. */
export type Problem = { code?: string; message: string; field?: readonly string[] | null };

/** The problems a mutation answered: its payload's `errors`, or the request's own error. */
export function problemsOf(result: { error?: CombinedError; data?: unknown }, field: string): Problem[] {
  if (result.error) return [{ message: result.error.message }];
  const payload = (result.data as Record<string, { errors?: Problem[] } | null> | undefined)?.[field];
  return payload?.errors ?? [];
}

const at = (p: Problem, name: string) => p.field?.includes(name) ?? false;

/** The problems the server named this field in, shown beside it. */
export function FieldProblems({ problems, name }: { problems: Problem[]; name: string }) {
  return (
    <>
      {problems.filter((p) => at(p, name)).map((p) => (
        <span key={p.message} role="alert" className="problems" data-field-error={name}> {p.message}</span>
      ))}
    </>
  );
}

/** The problems at no field of the form (or at one the form does not show). */
export function FormProblems({ problems, fields }: { problems: Problem[]; fields: readonly string[] }) {
  return (
    <>
      {problems.filter((p) => !fields.some((f) => at(p, f))).map((p) => (
        <p key={p.message} role="alert" className="problems">{p.message}</p>
      ))}
    </>
  );
}
