/**
 * An absolute file path as operating systems print them in error messages: `/a/b`, `C:\a\b`, `file:///a/b`, two
 * segments at least (one alone is a route such as `/graphql`).
 */
const ABSOLUTE_PATH = /(?:file:\/\/)?(?:\b[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,}[\\/]?/g;

export const HIDDEN_PATH = '<server path>';

/** `message` with every absolute path replaced, so a client never learns where the server keeps its files. */
export function withoutServerPaths(message: string): string {
  return message.replace(ABSOLUTE_PATH, HIDDEN_PATH);
}
