/**
 * The architecture, as a test over the import graph of src/: no cycles, and every import goes
 * down the layers (a module may import its own files and lower modules, never a higher one or
 * a sibling of the same layer). Every library file is reachable from the public index, and
 * every module has an entry point in package.json.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.ts';

/** Lower layers first; modules of one layer do not import each other. */
const LAYERS: readonly (readonly string[])[] = [['util'], ['dsl'], ['data', 'synth'], ['gssnn'], ['analysis', 'queue'], ['leaderboard'], ['pipeline'], ['cli'], ['index.ts']];
const rank = new Map(LAYERS.flatMap((modules, i) => modules.map((m) => [m, i] as const)));
const LIBRARY_MODULES = LAYERS.flat().filter((m) => m !== 'cli' && m !== 'index.ts');

const src = join(repoRoot, 'src');
const files: string[] = [];
const walk = (dir: string) => {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(ts|mjs)$/.test(name)) files.push(relative(src, path));
  }
};
walk(src);

/** Relative imports of a file: static, dynamic, and modules loaded by URL (worker threads). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(src, file), 'utf8');
  const specifiers = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  // preProcessFile does not list `export * as name from`.
  for (const m of text.matchAll(/export \* as \w+ from ['"]([^'"]+)['"]/g)) specifiers.push(m[1]);
  for (const m of text.matchAll(/new URL\(\s*['"](\.[^'"]+\.(?:ts|mjs))['"]\s*,\s*import\.meta\.url/g)) specifiers.push(m[1]);
  return specifiers.filter((s) => s.startsWith('.')).map((s) => relative(src, resolve(src, dirname(file), s)));
}

const graph = new Map(files.map((f) => [f, importsOf(f)]));
const moduleOf = (file: string) => file.split('/')[0];

/** Folders that are one subsystem with one entry point: code outside them imports their index only. */
const SUBSYSTEMS = ['synth/compress', 'synth/enumerate', 'synth/graphs'];

/** Domain-free enumeration (DeepSynth's rule: adding a domain never touches an algorithm) and the graph domain it must not import. */
const DOMAIN_FREE = 'synth/enumerate/';
const GRAPH_DOMAIN = ['synth/graphs/', 'dsl/domains/', 'dsl/graph.ts', 'dsl/graphFormats.ts'];

describe('the import graph of src/', () => {
  it('has a layer for every module', () => {
    expect(files.map(moduleOf).filter((m) => !rank.has(m))).toEqual([]);
  });

  it('only imports files that exist in src (or package.json)', () => {
    const missing = [...graph].flatMap(([f, targets]) => targets.filter((t) => !graph.has(t) && t !== '../package.json').map((t) => `${f} -> ${t}`));
    expect(missing).toEqual([]);
  });

  it('imports downwards only', () => {
    const violations = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => graph.has(t) && moduleOf(t) !== moduleOf(file) && !(rank.get(moduleOf(t))! < rank.get(moduleOf(file))!))
        .map((t) => `${file} (${moduleOf(file)}) imports ${t} (${moduleOf(t)})`),
    );
    expect(violations).toEqual([]);
  });

  it('enters each subsystem through its index', () => {
    const violations = SUBSYSTEMS.flatMap((folder) =>
      [...graph].flatMap(([file, targets]) =>
        file.startsWith(`${folder}/`) ? [] : targets.filter((t) => t.startsWith(`${folder}/`) && t !== `${folder}/index.ts`).map((t) => `${file} imports ${t}`),
      ),
    );
    expect(violations).toEqual([]);
  });

  it('keeps enumeration free of the graph domain', () => {
    const enumeration = files.filter((f) => f.startsWith(DOMAIN_FREE));
    expect(enumeration.length).toBeGreaterThan(0);
    const violations = enumeration.flatMap((file) => graph.get(file)!.filter((t) => GRAPH_DOMAIN.some((d) => t.startsWith(d))).map((t) => `${file} imports ${t}`));
    expect(violations).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('reaches every library file from the public index', () => {
    const seen = new Set<string>();
    const stack = ['index.ts'];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f) ?? []));
    }
    expect(files.filter((f) => moduleOf(f) !== 'cli' && !seen.has(f))).toEqual([]);
  });

  it('keeps each module entry point to named exports', () => {
    for (const module of LIBRARY_MODULES) {
      const text = readFileSync(join(src, module, 'index.ts'), 'utf8');
      expect(text, `src/${module}/index.ts`).not.toMatch(/export \* from/);
    }
    expect(readFileSync(join(src, 'index.ts'), 'utf8')).not.toMatch(/export \* from/);
  });

  it('gives every module an entry in package.json exports', () => {
    const exports = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports;
    expect(exports['.'].default).toBe('./src/index.ts');
    for (const module of LIBRARY_MODULES) expect(exports[`./${module}`]?.default, module).toBe(`./src/${module}/index.ts`);
  });
});

/** The strongly connected components with more than one file (or a file importing itself), by Tarjan's algorithm. */
function cycles(g: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || g.get(v)!.includes(v)) found.push(component.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}
