import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = resolve(import.meta.dirname, '../../src/lib/core');

/** Each core folder and the folders below it that it may import; docs/ARCHITECTURE.md draws it. */
const LAYERS: Record<string, readonly string[]> = {
  base: [],
  data: ['base'],
  spec: ['base', 'data'],
  evaluate: ['base', 'data'],
  onnx: ['base', 'data', 'spec'],
  features: ['base', 'data', 'spec', 'onnx'],
  models: ['base', 'data', 'spec', 'features', 'evaluate', 'onnx'],
  pipeline: ['base', 'data', 'spec', 'evaluate', 'features', 'models', 'onnx'],
  infer: ['base', 'data', 'features', 'onnx']
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]);
}

const folderOf = (file: string) => relative(CORE, file).split('/')[0];

describe('core layering', () => {
  const files = sourceFiles(CORE);

  it('has every core file inside a known layer', () => {
    expect(files.length).toBeGreaterThan(50);
    for (const file of files)
      expect(Object.keys(LAYERS), relative(CORE, file)).toContain(folderOf(file));
  });

  it('imports only from its own folder and the layers below it, never from outside core', () => {
    const offences: string[] = [];
    for (const file of files) {
      const from = folderOf(file);
      for (const spec of importsOf(file)) {
        if (spec.startsWith('$lib') || spec.startsWith('$app') || spec.endsWith('.svelte')) {
          offences.push(`${relative(CORE, file)} imports ${spec}`);
          continue;
        }
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(CORE + '/')) {
          offences.push(`${relative(CORE, file)} imports ${spec} (outside core)`);
          continue;
        }
        const to = folderOf(target);
        if (to !== from && !LAYERS[from].includes(to)) {
          offences.push(`${relative(CORE, file)} (${from}) imports ${spec} (${to})`);
        }
      }
    }
    expect(offences).toEqual([]);
  });

  it('keeps browser-only packages out of core', () => {
    for (const file of files) {
      expect(readFileSync(file, 'utf8'), relative(CORE, file)).not.toMatch(
        /from '(idb|svelte[^']*|comlink)'/
      );
    }
  });
});
