/**
 * One training run as a library call: build the model of a kind for a data set under a
 * preset (the G-SSNN from a program's graph, control wirings sized like it), train it with
 * the preset's schedule and return the model, its spec and the result. The CLI and the
 * search loop both go through here.
 */
import type { Dataset } from '../../data/dataset.ts';
import type { ProgramGraph } from '../../dsl/graph.ts';
import { buildModel, specFor, type ModelKindName, type ModelSpec } from '../models/index.ts';
import type { Model } from '../models/model.ts';
import { scheduleFor, type Preset } from '../presets.ts';
import { train, type TrainCallbacks, type TrainConfig, type TrainResult } from './trainer.ts';

export interface TrainModelRequest {
  readonly kind: ModelKindName;
  readonly preset: Preset;
  readonly data: Dataset;
  /** The program's graph for `gssnn`; for control wirings, the graph whose size they match. */
  readonly graph?: ProgramGraph;
  /** Element count of control wirings when no graph is given. */
  readonly elements?: number;
  readonly seed: number;
  readonly reproduceOriginal?: boolean;
  /** Overrides of the preset's training schedule. */
  readonly train?: Partial<Omit<TrainConfig, 'seed'>>;
  readonly callbacks?: TrainCallbacks;
}

export interface TrainedModel {
  readonly model: Model & { readonly weightNames: readonly string[] };
  readonly spec: ModelSpec;
  readonly config: TrainConfig;
  readonly result: TrainResult;
  /** The weights before training, in `model.variables` order (saved beside the model). */
  readonly initialWeights: Float32Array[];
}

/** The spec and training configuration of a request (what `trainModel` trains). */
export function planTraining(request: Omit<TrainModelRequest, 'callbacks'>): { spec: ModelSpec; config: TrainConfig } {
  const { data, preset, seed } = request;
  const spec = specFor({
    kind: request.kind,
    preset,
    inputShape: data.inputShape,
    numClasses: data.numClasses,
    graph: request.graph,
    elements: request.elements,
    seed,
    reproduceOriginal: request.reproduceOriginal,
  });
  // An override given as undefined keeps the preset's value.
  const overrides = Object.fromEntries(Object.entries(request.train ?? {}).filter(([, value]) => value !== undefined));
  const config: TrainConfig = { ...scheduleFor(preset, request.train?.epochs), ...overrides, seed };
  return { spec, config };
}

export function trainModel(request: TrainModelRequest): TrainedModel {
  const { spec, config } = planTraining(request);
  const model = buildModel(spec);
  const initialWeights = model.variables.map((v) => (v.dataSync() as Float32Array).slice());
  try {
    return { model, spec, config, result: train(model, request.data, config, request.callbacks), initialWeights };
  } catch (err) {
    model.dispose();
    throw err;
  }
}
