/** Parse at the edges (house-style §4): a zod parse that fails with an AppError naming every field. */
import type { z } from 'zod';
import { AppError, type ErrorCode } from './errors.ts';

export function parseOrThrow<Schema extends z.ZodType>(schema: Schema, value: unknown, code: ErrorCode): z.output<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'value'}: ${issue.message}`);
  throw new AppError(code, problems.join('; '));
}
