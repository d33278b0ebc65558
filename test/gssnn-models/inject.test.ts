import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluate } from '../../src/dsl/evaluate.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';
import { initBackend } from '../../src/gssnn/backend.ts';
import { sinCos2d } from '../../src/gssnn/encoders/positional.ts';
import { elementChunks, elementCode, Injection, InjectionError, planInjection, tilingIndex } from '../../src/gssnn/inject.ts';
import { connectedWiringArb } from '../arbitraries.ts';
import { graphFromOriginal, PAIR } from './helpers.ts';

const referenceDir = path.resolve(import.meta.dirname, '../../reference/gssnn-original/programs');

beforeAll(async () => {
  await initBackend('cpu');
});

describe('element chunks', () => {
  it('gives the first chunk the remainder', () => {
    expect(elementChunks(12, 5)).toEqual([
      { start: 0, length: 4 },
      { start: 4, length: 2 },
      { start: 6, length: 2 },
      { start: 8, length: 2 },
      { start: 10, length: 2 },
    ]);
    expect(elementChunks(8, 4).map((c) => c.length)).toEqual([2, 2, 2, 2]);
  });

  it('covers z exactly once, in order', () => {
    for (let count = 1; count <= 40; count++) {
      const chunks = elementChunks(64, count);
      expect(chunks).toHaveLength(count);
      chunks.forEach((c, k) => expect(c.start).toBe(k === 0 ? 0 : chunks[k - 1].start + chunks[k - 1].length));
      const last = chunks[count - 1];
      expect(last.start + last.length).toBe(64);
    }
  });

  it('refuses more rows than the width, saying what to do', () => {
    expect(() => elementChunks(8, 9)).toThrow(InjectionError);
    expect(() => elementChunks(8, 9)).toThrow(/at least 9/);
  });
});

describe('injection of a hand-checked graph', () => {
  it('tiles each element its own chunk, first chunk with the remainder (edges once)', () => {
    const plan = planInjection(PAIR, 8);
    // 3 elements: increment 2, remainder 2 -> chunks [0,4) [4,6) [6,8), read in id order.
    expect(plan.chunks).toEqual([
      { start: 0, length: 4 },
      { start: 4, length: 2 },
      { start: 6, length: 2 },
    ]);
    expect(plan.nodeRows).toEqual([
      { elementId: 0, port: 0, chunk: 0 },
      { elementId: 2, port: 0, chunk: 2 },
    ]);
    expect(plan.edgeRows).toEqual([{ elementId: 1, port: 4, chunk: 1 }]);
    expect(Array.from(tilingIndex(plan, plan.nodeRows))).toEqual([0, 1, 2, 3, 0, 1, 2, 3, 6, 7, 6, 7, 6, 7, 6, 7]);
    expect(Array.from(tilingIndex(plan, plan.edgeRows))).toEqual([4, 5, 4, 5, 4, 5, 4, 5]);
    expect(plan.messages).toEqual([
      { source: 0, target: 1, edgeRow: 0 },
      { source: 1, target: 0, edgeRow: 0 },
    ]);
  });

  it('adds the sin-cos code of (element id, port)', () => {
    const plan = planInjection(PAIR, 8);
    const w = 1e-4; // omega_1 = 10000^-(1/(2-1))
    const close = (a: Float32Array, b: number[]) => b.forEach((v, i) => expect(a[i]).toBeCloseTo(v, 6));
    close(elementCode(plan, plan.nodeRows[0], 10), [0, 0, 1, 1, 0, 0, 1, 1]);
    close(elementCode(plan, plan.nodeRows[1], 10), [0, 0, 1, 1, Math.sin(2), Math.sin(2 * w), Math.cos(2), Math.cos(2 * w)]);
    close(elementCode(plan, plan.edgeRows[0], 10), [Math.sin(4), Math.sin(4 * w), Math.cos(4), Math.cos(4 * w), Math.sin(1), Math.sin(w), Math.cos(1), Math.cos(w)]);
  });

  it('reproduces the original: each edge twice, unused tail of z, its code layout', () => {
    const plan = planInjection(PAIR, 8, { reproduceOriginal: true });
    // 2 nodes + 2 edge rows: increment 2; chunk 3 (z[6..8)) is never read.
    expect(plan.chunks.map((c) => c.start)).toEqual([0, 2, 4, 6]);
    expect(plan.edgeRows).toEqual([
      { elementId: 1, port: 4, chunk: 1 },
      { elementId: 1, port: 6, chunk: 1 },
    ]);
    const read = new Set([...tilingIndex(plan, plan.nodeRows), ...tilingIndex(plan, plan.edgeRows)]);
    expect([...read].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(plan.messages).toHaveLength(4);
    // k = id * (maxConn + 1) + port; row floor(k / 4), column k mod 4.
    const expectCode = (row: (typeof plan.nodeRows)[number], k: number) =>
      expect(Array.from(elementCode(plan, row, 10))).toEqual(Array.from(sinCos2d(Math.floor(k / 4), k % 4, 8)));
    expectCode(plan.nodeRows[0], 0);
    expectCode(plan.nodeRows[1], 22);
    expectCode(plan.edgeRows[0], 15);
    expectCode(plan.edgeRows[1], 17);
  });

  it('builds node and edge features z-tile + code with tensors', () => {
    const plan = planInjection(PAIR, 8);
    const injection = new Injection(plan, 10);
    const zValues = [10, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 27];
    const z = tf.tensor2d(zValues, [2, 8]);
    const { nodes, edges } = injection.apply(z);
    expect(nodes.shape).toEqual([2, 2, 8]);
    expect(edges.shape).toEqual([2, 1, 8]);
    const n = nodes.arraySync();
    const e = edges.arraySync();
    const code0 = elementCode(plan, plan.nodeRows[0], 10);
    const code1 = elementCode(plan, plan.edgeRows[0], 10);
    [0, 1, 2, 3, 0, 1, 2, 3].forEach((zi, j) => expect(n[1][0][j]).toBeCloseTo(zValues[8 + zi] + code0[j], 4));
    [4, 5, 4, 5, 4, 5, 4, 5].forEach((zi, j) => expect(e[0][0][j]).toBeCloseTo(zValues[zi] + code1[j], 4));
    tf.dispose([z, nodes, edges]);
    injection.dispose();
  });
});

describe('injection of the original programs', () => {
  const files = readdirSync(referenceDir).filter((f) => f.endsWith('.json')).slice(0, 20);
  it('counts rows as the original builder did', () => {
    for (const file of files) {
      const output = JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8')).output;
      const graph = graphFromOriginal(output);
      expect(graph.nodes.length).toBe(output.size);
      const original = planInjection(graph, 512, { reproduceOriginal: true });
      // The original's nElt: nodes plus every edge as listed (from both ends).
      expect(original.chunks.length).toBe(output.size + output.edges.length);
      expect(original.messages.length).toBe(2 * output.edges.length);
      const fixed = planInjection(graph, 512);
      expect(fixed.chunks.length).toBe(output.next_id);
      expect(fixed.messages.length).toBe(output.edges.length);
    }
  });
});

describe('the original builder, from the evaluated programs', () => {
  it('gives the same feature rows and messages as the original listed', () => {
    const files = readdirSync(referenceDir).filter((f) => f.endsWith('.json')).slice(0, 30);
    for (const file of files) {
      const record = JSON.parse(readFileSync(path.join(referenceDir, file), 'utf8'));
      const evaluated = evaluate(parseProgramOrThrow(record.program));
      if (!evaluated.ok) throw new Error(`${file}: ${evaluated.error.message}`);
      const graph = evaluated.value;
      const plan = planInjection(graph, 512, { reproduceOriginal: true });
      const listing = record.output.edges as [[number, number], [number, number]][];
      // The original: one row per listing (edge id, port + 1), messages both ways per listing.
      const originalRows = listing.map(([[, port], [edge]]) => `${edge}:${port + 1}`).sort();
      expect(plan.edgeRows.map((r) => `${r.elementId}:${r.port}`).sort()).toEqual(originalRows);
      const nodeId = (i: number) => graph.nodes[i];
      const ours = plan.messages.map((m) => `${nodeId(m.source)}>${nodeId(m.target)}@${plan.edgeRows[m.edgeRow].elementId}`).sort();
      const original = listing.flatMap(([[a], [edge, b]]) => [`${a}>${b}@${edge}`, `${b}>${a}@${edge}`]).sort();
      expect(ours).toEqual(original);
      expect(plan.nodeRows.map((r) => r.elementId)).toEqual([...new Set(listing.map(([[n]]) => n))].sort((a, b) => a - b));
    }
  });
});

describe('injection invariants (property)', () => {
  it('lists each edge once, reads every value of z, and gives every row its own code', () => {
    fc.assert(
      fc.property(connectedWiringArb(8), fc.constantFrom(64, 128), (graph, dim) => {
        fc.pre(graph.nodes.length + graph.edges.length <= dim);
        const plan = planInjection(graph, dim);
        expect(plan.edgeRows).toHaveLength(graph.edges.length);
        expect(plan.messages).toHaveLength(2 * graph.edges.length);
        const read = new Set([...tilingIndex(plan, plan.nodeRows), ...tilingIndex(plan, plan.edgeRows)]);
        expect(read.size).toBe(dim);
        const codes = new Set([...plan.nodeRows, ...plan.edgeRows].map((row) => Array.from(elementCode(plan, row, graph.maxConn)).join(',')));
        expect(codes.size).toBe(plan.nodeRows.length + plan.edgeRows.length);
      }),
      { numRuns: 60 },
    );
  });

  it('the original layout counts each edge twice and leaves the tail of z unread', () => {
    fc.assert(
      fc.property(connectedWiringArb(8), (graph) => {
        const dim = 128;
        const plan = planInjection(graph, dim, { reproduceOriginal: true });
        const rows = graph.nodes.length + 2 * graph.edges.length;
        expect(plan.chunks).toHaveLength(rows);
        expect(plan.messages).toHaveLength(4 * graph.edges.length);
        const read = new Set([...tilingIndex(plan, plan.nodeRows), ...tilingIndex(plan, plan.edgeRows)]);
        const unread = graph.edges.length ? plan.chunks.slice(graph.nodes.length + graph.edges.length).reduce((n, c) => n + c.length, 0) : 0;
        expect(read.size).toBe(dim - unread);
      }),
      { numRuns: 60 },
    );
  });
});
