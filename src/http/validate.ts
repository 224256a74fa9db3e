// zod at the boundary: a request that fails its schema becomes a 400 problem listing each field.
import { z } from 'zod';
import { problems, type FieldError } from './problem.js';

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message, code: i.code }));
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}

/**
 * A string PostgreSQL can store: its text type cannot hold U+0000, so such input would fail in
 * the database (a 500) instead of being refused here (a 400 naming the field).
 */
export const text = () => z.string().refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

/**
 * `raw` as an absolute URI without a fragment, or why it is not one: the rule for redirect URIs
 * (RFC 6749 §3.1.2) and resource indicators (RFC 8707 §2).
 */
export function parseAbsoluteUri(raw: string): { url: URL; problem?: undefined } | { url?: undefined; problem: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: 'must be an absolute URI' };
  }
  // `#` alone leaves url.hash empty, so look at the text too.
  if (url.hash || raw.includes('#')) return { problem: 'must not contain a fragment' };
  return { url };
}
