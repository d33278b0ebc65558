/** "Use it as a library" (README): evaluate a program, enumerate 100 programs, compress them, train a tiny G-SSNN. */
import { compress, explore, getPreset, grammarFromDsl, graphDsl, initBackend, loadDataset, runProgramText, trainModel } from 'gssnn-synth';

const dsl = graphDsl();
const outcome = runProgramText('(push (add (connect identity)))', { dsl });
if (!outcome.ok) throw new Error(outcome.error.message);
console.log(`evaluated: ${outcome.graph.nodes.length} nodes, ${outcome.graph.edges.length} edges`);

const found = explore(grammarFromDsl(dsl), { strategy: 'novelty', maxPrograms: 100 });
console.log(`enumerated: ${found.programs} programs, ${found.distinctGraphs} distinct graphs`);

const library = compress(found.graphs.map((g) => g.term), { iterations: 1 });
console.log(`compressed: cost ${library.originalCost} -> ${library.finalCost} with ${library.abstractions.length} abstraction(s)`);

await initBackend();
const preset = getPreset('tiny');
const data = await loadDataset('mnist-0v1', { imageSize: preset.image.inputSize, ...preset.data });
const { model, result } = trainModel({ kind: 'gssnn', preset, data, graph: outcome.graph, seed: 0, train: { epochs: 2 } });
model.dispose();
console.log(`trained: G-SSNN test accuracy ${(100 * result.test.accuracy).toFixed(1)}% (${result.parameterCount} parameters)`);
