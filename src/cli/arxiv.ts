/** Errors that end a network run early and need a sentence, not a stack trace. */
export function describeRunError(error: unknown): string | null {
  if (error instanceof Error && ['HttpError', 'OaiError', 'FeedError'].includes(error.name)) return error.message;
  return null;
}
