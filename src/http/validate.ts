// zod at the boundary: a request that fails its schema becomes a 400 problem listing each field.
import type { z } from 'zod';
import { problems, type FieldError } from './problem.js';

export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message, code: i.code }));
}

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw problems.validation(toFieldErrors(result.error));
  return result.data;
}
