/**
 * The rooms of src/ as the README draws them: no cycle between rooms, the token room standing on
 * nothing but the encoding code, and PKCS#11 itself (pkcs11js, CK_RV values) inside it alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The room of a file: its first folder under src/, or "." for src/errors.ts and the like. */
function roomOf(path: string): string {
  const parts = relative(SRC, path).split('/');
  return parts.length > 1 ? parts[0]! : '.';
}

const FILES = sources(SRC).map((path) => {
  const text = readFileSync(path, 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
  return { path, room: roomOf(path), specifiers };
});

function roomImports(): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of FILES) {
    for (const spec of file.specifiers.filter((s) => s.startsWith('.'))) {
      const target = roomOf(normalize(join(dirname(file.path), spec)));
      if (target === file.room) continue;
      if (!edges.has(file.room)) edges.set(file.room, new Set());
      edges.get(file.room)!.add(target);
    }
  }
  return edges;
}

describe('the rooms of src/', () => {
  it('import each other without a cycle', () => {
    const edges = roomImports();
    const cycles: string[] = [];
    const walk = (room: string, path: string[]) => {
      for (const next of edges.get(room) ?? []) {
        if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '));
        else walk(next, [...path, next]);
      }
    };
    for (const room of edges.keys()) walk(room, [room]);
    expect([...new Set(cycles)]).toEqual([]);
  });

  it('sync/ stands below renewal/: a sync round is handed the way renewals are answered', () => {
    expect([...(roomImports().get('sync') ?? [])]).not.toContain('renewal');
  });

  it('token/ stands on the encoding code and the shared errors only', () => {
    expect([...(roomImports().get('token') ?? [])].sort()).toEqual(['.', 'pki']);
  });

  it('only token/ touches pkcs11js or its error numbers', () => {
    const outside = FILES.filter(
      (f) => f.room !== 'token' && f.specifiers.some((s) => s === 'pkcs11js' || /token\/errors\.js$/.test(s)),
    ).map((f) => relative(SRC, f.path));
    expect(outside).toEqual([]);
  });
});
