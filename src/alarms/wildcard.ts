/**
 * Operator wildcards, as in DataMiner filters: `*` is any run of characters, `?` one
 * character, everything else literal, case-insensitive, matching the whole text.
 */
export function compileWildcard(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'is');
}
