import { describe, expect, it } from 'vitest';
import { initialState, toProgramGraph, type GraphState } from '../../src/dsl/domains/graph.ts';
import { evaluateGraphState } from '../../src/dsl/evaluate.ts';
import { toOriginalJson } from '../../src/dsl/graphFormats.ts';
import { parseProgramOrThrow } from '../../src/dsl/parse.ts';

/** Runs a program text (combined form) on the initial state, with `maxConn` ports per node. */
function run(text: string, maxConn = 10): GraphState {
  const result = evaluateGraphState(parseProgramOrThrow(text, { form: 'combined' }), { maxConn });
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.value;
}
const stack = (s: GraphState): number[] => {
  const nodes: number[] = [];
  for (let n = s.conn; n !== null; n = n.below) nodes.push(n.node);
  return nodes;
};
const edges = (s: GraphState) => toOriginalJson(toProgramGraph(s.graph)).edges;

describe('graph_state primitives and their guards', () => {
  it('starts from one node, id 0, cursor on it at port 0, empty stack', () => {
    const s = initialState();
    expect([s.pos, s.port, stack(s), s.graph.nextId, s.graph.size]).toEqual([0, 0, [], 1, 1]);
    expect(run('identity')).toEqual(s);
  });

  it('next_port and prev_port wrap around max_conn', () => {
    expect(run('(prev_port identity)').port).toBe(9);
    expect(run('(next_port (next_port (next_port identity)))', 3).port).toBe(0);
    expect(run('(prev_port (next_port identity))').port).toBe(0);
  });

  it('add: no-op with an empty stack', () => {
    expect(run('(add identity)').graph.size).toBe(1);
  });

  it('add: new node from the shared counter; the cursor moves onto it; the stack stays', () => {
    const s = run('(push (add identity))');
    expect([s.pos, s.graph.size, s.graph.nextId, stack(s), s.graph.components]).toEqual([1, 2, 2, [0], 2]);
  });

  it('add: no-op while a node is isolated', () => {
    const s = run('(push (add (add identity)))');
    expect([s.graph.size, s.pos]).toEqual([2, 1]);
  });

  it('connect: links cursor and stack top at the current port on both ends; the edge takes the next id', () => {
    const s = run('(push (add (next_port (connect identity))))');
    expect(edges(s)).toEqual([
      [[1, 1], [2, 0]],
      [[0, 1], [2, 1]],
    ]);
    expect([s.graph.nextId, s.graph.components]).toEqual([3, 1]);
  });

  it('connect: no-op with an empty stack, on a self-loop, or when either end of the port is taken', () => {
    expect(edges(run('(connect identity)'))).toEqual([]);
    // Stack top is the cursor itself.
    expect(edges(run('(push (add (push (connect identity))))'))).toEqual([]);
    // Port 0 of node 0 is taken by edge 2; node 3 cannot use port 0 to reach node 0.
    const s = run('(push (add (connect (add (connect identity)))))');
    expect(s.graph.size).toBe(3);
    expect(s.graph.components).toBe(2);
    expect(edges(s)).toHaveLength(2);
  });

  it('move: crosses the edge at the current port, no-op on an empty port', () => {
    expect(run('(push (add (connect (move identity))))').pos).toBe(0);
    expect(run('(push (add (connect (next_port (move identity)))))').pos).toBe(1);
  });

  it('push and pop: pop drops the top when no node is isolated', () => {
    expect(stack(run('(push (push (pop identity)))'))).toEqual([0]);
    expect(stack(run('(pop identity)'))).toEqual([]);
  });

  it('pop: with an isolated node, keeps the stack unless a node other than the cursor stays below the top', () => {
    // Stack [0]: popping would strand the isolated node 1.
    expect(stack(run('(push (add (pop identity)))'))).toEqual([0]);
    // Stack [1, 0]: node 0 remains below, so the top goes.
    expect(stack(run('(push (add (push (pop identity))))'))).toEqual([0]);
    // Stack [1, 1, 0] -> [1, 0] -> [0]: only nodes equal to the cursor do not count.
    expect(stack(run('(push (add (push (push (pop (pop (pop identity)))))))'))).toEqual([0]);
  });

  it('func: keeps the sub-program graph but restores cursor, port and stack', () => {
    const s = run('(push (func (add (next_port (connect identity))) identity))');
    expect([s.pos, s.port, stack(s), s.graph.size, s.graph.nextId]).toEqual([0, 0, [0], 2, 3]);
  });

  it('func: drops the sub-program graph when it leaves a node isolated', () => {
    const s = run('(push (func (add identity) identity))');
    expect([s.graph.size, s.graph.nextId, s.graph.components]).toEqual([1, 1, 1]);
  });

  it('if_positions_equal: runs h when f and g end on the same node, else k; then l', () => {
    const built = '(push (add (connect ';
    // f = identity stays on node 1; g = move crosses port 0 to node 0: not equal -> k (next_port).
    const differ = run(`${built}(if_positions_equal identity (move identity) (prev_port identity) (next_port identity) identity))))`);
    expect(differ.port).toBe(1);
    // f = g = identity: equal -> h (prev_port), then l = next_port.
    const same = run(`${built}(if_positions_equal identity identity (prev_port identity) (next_port identity) (next_port identity)))))`);
    expect(same.port).toBe(0);
  });
});
