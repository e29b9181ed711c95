import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import ts from 'typescript';

/**
 * A locale table (`export const xx = { 'key': 'text', … }`), read with the TypeScript parser, with the
 * tables it spreads in from relative imports (the dashboard's en.ts is made of en/*.ts by area).
 */
export function localeTable(file: string, seen = new Set<string>()): Record<string, string> {
  if (seen.has(file)) return {};
  seen.add(file);
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Record<string, string> = {};
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && !n.importClause?.isTypeOnly && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith('.')) {
      const base = resolve(dirname(file), n.moduleSpecifier.text.replace(/\.js$/, ''));
      const path = [`${base}.ts`, base].find((p) => existsSync(p) && p.endsWith('.ts'));
      if (path) Object.assign(out, localeTable(path, seen));
    }
    if (ts.isPropertyAssignment(n) && ts.isStringLiteral(n.name) && (ts.isStringLiteral(n.initializer) || ts.isNoSubstitutionTemplateLiteral(n.initializer))) out[n.name.text] = n.initializer.text;
    ts.forEachChild(n, visit);
  };
  visit(src);
  return out;
}
