import type { Response } from 'express';

/** A refusal made outside GraphQL, in the shape GraphQL clients already read. */
export function sendError(response: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}): void {
  response.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}
