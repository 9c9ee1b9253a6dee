/** `work`'s outcome, or an Error "`failure` within `ms` ms" once `ms` have passed first; the timer never outlives it. */
export function withDeadline<T>(work: Promise<T>, ms: number, failure: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${failure} within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
