// Rule messages as ESLint writes them: a template per message id in the
// rule's meta, filled from the report's data. A placeholder is `{{name}}`;
// `${{ … }}` is runbook interpolation syntax and stays as it is.
export type MessageData = Readonly<Record<string, string | number>>;

const PLACEHOLDER = /(?<!\$)\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The placeholder names of a template, in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Fills a template; a placeholder without data is a bug in the rule, so it throws. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    if (!Object.hasOwn(data, name)) throw new Error(`message "${template}" needs data.${name}`);
    return String(data[name]);
  });
}
