import { describe, expect, it } from 'vitest';
import { fromOriginalJson, toDot, toGraphology, toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { loadProgramRecords } from './referenceData.ts';

const records = loadProgramRecords();

describe('graph output formats', () => {
  it('every reference output reads back and writes out byte for byte', () => {
    for (const record of records) {
      const graph = fromOriginalJson(record.output);
      if (!graph.ok) throw new Error(`${record.file}: ${graph.error}`);
      expect(JSON.stringify(toOriginalJson(graph.value))).toBe(JSON.stringify(record.output));
      const g = toGraphology(graph.value);
      expect([g.order, g.size]).toEqual([record.output.size, record.output.edges.length / 2]);
    }
  });

  it('graphology keys are ids and ports are edge attributes; DOT labels edges with id and ports', () => {
    const graph = { nodes: [0, 1], edges: [{ id: 2, source: 1, sourcePort: 3, target: 0, targetPort: 3 }], nextId: 3, maxConn: 10 };
    const g = toGraphology(graph);
    expect(g.nodes()).toEqual(['0', '1']);
    expect(g.getEdgeAttributes('2')).toEqual({ id: 2, sourcePort: 3, targetPort: 3 });
    expect(g.extremities('2')).toEqual(['1', '0']);
    expect(toDot(graph)).toBe('graph "program" {\n  n0 [label="0"];\n  n1 [label="1"];\n  n1 -- n0 [label="2", taillabel="3", headlabel="3"];\n}');
  });

  it('malformed original JSON gives an error that names the entry and what is wrong', () => {
    const good = { edges: [[[1, 0], [2, 0]], [[0, 0], [2, 1]]], next_id: 3, size: 2, max_conn: 10 };
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ ...good, next_id: -1 }, /"next_id" must be a non-negative integer/],
      [{ ...good, edges: [[[1, 0], [2]]] }, /edges\[0\] must look like \[\[node, port\], \[edge_id, neighbour\]\]/],
      [{ ...good, edges: [[[1, 10], [2, 0]], [[0, 10], [2, 1]]] }, /edges\[0\]: port 10 is outside \[0, 10\)/],
      [{ ...good, edges: [[[1, 0], [2, 0]]] }, /edge 2 must be listed exactly once from each of its two distinct ends/],
      [{ ...good, edges: [[[1, 0], [2, 0]], [[1, 0], [2, 0]]] }, /edges\[1\]: node 1 port 0 is listed twice/],
      [{ ...good, size: 3 }, /"size" is 3 but ids not taken by edges give 2 nodes/],
      [{ ...good, edges: [[[-1, 0], [2, 0]], [[0, 0], [2, -1]]] }, /edges\[0\]: ids must lie in \[0, next_id = 3\)/],
    ];
    for (const [json, message] of cases) {
      const result = fromOriginalJson(json);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(message);
    }
  });
});
