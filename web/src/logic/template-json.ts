/**
 * The alarm template as an admin edits it: JSON text in, the rules out, or a message that
 * says where the text is not JSON before anything is sent to Tally.
 */
export type TemplateParse = { ok: true; rules: unknown[] } | { ok: false; message: string };

/** Pretty JSON of the rules, as the editor shows them. */
export function templateText(rules: unknown[]): string {
  return JSON.stringify({ rules }, null, 2);
}

export function parseTemplateText(text: string): TemplateParse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Not valid JSON${where(text, error)}: ${(error as Error).message.replace(/ in JSON at position \d+.*$/, '')}` };
  }
  const rules = Array.isArray(parsed) ? parsed : (parsed as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return { ok: false, message: 'The template must be {"rules": [ … ]}.' };
  return { ok: true, rules };
}

/** " (line 3, column 7)" from the position JSON.parse reports, when it reports one. */
function where(text: string, error: unknown): string {
  const position = /position (\d+)/.exec(String((error as Error).message));
  if (!position) return '';
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return ` (line ${line}, column ${column})`;
}
