import { readFileSync } from 'node:fs';
import ts from 'typescript';

/** A locale table (`export const xx = { 'key': 'text', … }`), read with the TypeScript parser. */
export function localeTable(file: string): Record<string, string> {
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Record<string, string> = {};
  const visit = (n: ts.Node) => {
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name) && (ts.isStringLiteral(n.initializer) || ts.isNoSubstitutionTemplateLiteral(n.initializer))) out[n.name.text] = n.initializer.text;
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}
