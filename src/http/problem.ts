// RFC 9457 problem details for the management API: {type, title, status, detail, code, errors[]}.
// `code` is stable and documented; clients branch on it, never on `detail`.
import type { Response } from 'express';
import { z } from 'zod';

export interface FieldError {
  path: string;
  message: string;
  code: string;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors: FieldError[] = [],
  ) {
    super(detail ?? title);
  }
}

export const problems = {
  validation: (errors: FieldError[], detail = 'The request is not valid.') => new ProblemError(400, 'validation_failed', 'Invalid request', detail, errors),
  malformedJson: () => new ProblemError(400, 'malformed_json', 'Malformed JSON', 'The request body is not valid JSON.'),
  tooLarge: () => new ProblemError(413, 'payload_too_large', 'Payload too large', 'The request body exceeds the size limit.'),
  unsupportedMediaType: () => new ProblemError(415, 'unsupported_media_type', 'Unsupported media type', 'Send the request body as application/json.'),
  unauthenticated: () => new ProblemError(401, 'unauthenticated', 'Authentication required', 'Send a valid API key as "Authorization: Bearer <key>".'),
  forbidden: (detail = 'This API key may not do that.') => new ProblemError(403, 'forbidden', 'Forbidden', detail),
  notFound: (what = 'resource') => new ProblemError(404, 'not_found', 'Not found', `No such ${what}.`),
  conflict: (code: string, detail: string) => new ProblemError(409, code, 'Conflict', detail),
  rateLimited: () => new ProblemError(429, 'rate_limited', 'Too many requests', 'Slow down and retry after the time in Retry-After.'),
  unavailable: () => new ProblemError(503, 'service_unavailable', 'Service unavailable', 'The service is temporarily unavailable. Retry after the time in Retry-After.'),
  internal: () => new ProblemError(500, 'internal_error', 'Internal error', 'Something went wrong on our side. Quote the request id when reporting it.'),
};

/** The body sendProblem writes, as a schema: the OpenAPI document's Problem (src/api/openapi). */
export const problemSchema = z
  .object({
    type: z.url(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional(),
    /** Stable: clients branch on it. Each operation in the OpenAPI document lists the codes it answers. */
    code: z.string(),
    /** One entry per bad field (validation_failed and field-specific codes); empty otherwise. */
    errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() }).strict()),
    /** The X-Request-Id of the request, to quote when reporting a problem. */
    requestId: z.string().optional(),
  })
  .strict()
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });

export function sendProblem(res: Response, problem: ProblemError, requestId?: string) {
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({
      type: `https://gatehouse.dev/problems/${problem.code}`,
      title: problem.title,
      status: problem.status,
      detail: problem.detail,
      code: problem.code,
      errors: problem.errors,
      ...(requestId ? { requestId } : {}),
    });
}
