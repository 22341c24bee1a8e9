import { describe, expect, it } from 'vitest';

// The start without React (#17 item 5): src/main.ts and what it imports statically must not pull in
// React or zustand, or index.html preloads them for the login screen's first paint. (The API client
// once did, through the account store: it now gets the account from setApiAccount.)

const sources = import.meta.glob<string>(['/src/**/*.ts', '/src/**/*.tsx', '!/src/**/*.test.*'], {
  query: '?raw',
  import: 'default',
  eager: true,
});
const STATIC_IMPORT = /^import\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

function resolve(specifier: string): string | null {
  if (!specifier.startsWith('@/')) return specifier;
  const base = `/src/${specifier.slice(2)}`;
  return ['.ts', '.tsx'].map((extension) => base + extension).find((file) => file in sources) ?? null; // null: CSS
}

function staticImports(entry: string): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, specifier] of (sources[file] ?? '').matchAll(STATIC_IMPORT)) {
      const target = specifier === undefined ? null : resolve(specifier);
      if (target !== null) queue.push(target);
    }
  }
  return seen;
}

describe('the start without React', () => {
  it('imports neither React nor zustand before the app is needed', () => {
    const reached = staticImports('/src/main.ts');
    expect(reached).toContain('/src/lib/api-client.ts'); // the walk follows the session check
    expect([...reached].filter((module) => /^(react|react-dom|zustand)(\/|$)/.test(module))).toEqual([]);
    expect([...reached].filter((module) => module.startsWith('/src/stores/'))).toEqual([]);
  });
});
