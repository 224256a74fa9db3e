// Does a real answer of the API match what the OpenAPI document says? The document's operations
// (src/api/openapi) carry the zod schemas it was generated from; an answer is checked against
// the one for its method, path template and status: a documented status, the right media type,
// and a body the schema accepts (response schemas are strict: an undocumented field fails).
// Problems must carry a code documented for that status. Every checked answer is recorded, so a
// test can ask which operations were never exercised.
import type { Response } from 'supertest';
import { expect } from 'vitest';
import { API_AREAS } from '../../src/api/openapi/document.js';
import { findOperation, problemResponse, problemsOf, type ApiOperation } from '../../src/api/openapi/operations.js';
import { problemSchema } from '../../src/http/problem.js';

export interface ApiAnswer {
  method: string;
  /** Below /api/v1, concrete (/realms/acme/apps/1f…) or a template (/realms/{realm}/apps/{id}). */
  path: string;
  status: number;
  contentType?: string;
  body: unknown;
}

/** `${METHOD} ${template} ${status}` of every answer checked (and found conforming) so far in this test file. */
export const exercised = new Set<string>();

export const operationKey = (op: Pick<ApiOperation, 'method' | 'path'>) => `${op.method.toUpperCase()} ${op.path}`;

/** What is wrong with this answer according to the document; empty when it conforms. */
export function conformanceProblems(answer: ApiAnswer): string[] {
  const op = findOperation([...API_AREAS], answer.method, answer.path.split('?')[0] ?? '');
  if (!op) return [`${answer.method.toUpperCase()} ${answer.path} is not in the OpenAPI document`];
  const where = `${operationKey(op)} → ${answer.status}`;
  const success = op.responses[answer.status];
  const problemCodes = problemsOf(op)[answer.status];
  let schema;
  if (success) {
    schema = success.schema;
    if (!schema && answer.body !== undefined && answer.body !== '' && !(typeof answer.body === 'object' && answer.body && Object.keys(answer.body).length === 0)) return [`${where}: documented without a body, got ${JSON.stringify(answer.body)}`];
    if (schema && !answer.contentType?.startsWith('application/json')) return [`${where}: expected application/json, got ${answer.contentType}`];
  } else if (problemCodes) {
    if (!answer.contentType?.startsWith('application/problem+json')) return [`${where}: expected application/problem+json, got ${answer.contentType}`];
    schema = problemResponse(problemSchema, answer.status, problemCodes).schema;
  } else {
    return [`${where}: status not documented (body ${JSON.stringify(answer.body).slice(0, 300)})`];
  }
  if (schema) {
    const result = schema.safeParse(answer.body);
    if (!result.success) return result.error.issues.map((i) => `${where}: ${i.path.join('.') || '(body)'}: ${i.message}`);
  }
  exercised.add(`${operationKey(op)} ${answer.status}`);
  return [];
}

/** A supertest answer from /api/v1, as the checker reads it. */
export function answerOf(res: Response): ApiAnswer {
  const { method, url } = (res as unknown as { request: { method: string; url: string } }).request;
  const path = new URL(url).pathname.replace(/^\/api\/v1/, '');
  const contentType = res.headers['content-type'] as string | undefined;
  return { method, path, status: res.status, contentType, body: res.text === '' ? undefined : res.body };
}

/** One line in any API test: this supertest answer is what the OpenAPI document promises. Returns it. */
export function expectConforms<R extends Response>(res: R): R {
  expect(conformanceProblems(answerOf(res))).toEqual([]);
  return res;
}
