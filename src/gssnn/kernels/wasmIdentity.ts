/**
 * The wasm backend's Identity kernel copies its input, and tfjs runs Identity for every
 * tensor it saves for the backward pass (a training step of the `small` G-SSNN saved ~150,
 * about a tenth of the step's time). Its Cast copies too, even to the dtype the input already
 * has, which tfjs's gradients ask for all the time (Multiply's casts both operands to
 * float32: 36 copies in a population's step). Tensors are immutable, so these share the
 * input's data and count one more reference, as the cpu backend does.
 */
import * as tf from '@tensorflow/tfjs-core';
import { wrapKernel } from './register.ts';

interface RefCountingBackend {
  incRef(dataId: tf.TensorInfo['dataId']): void;
}

function share(x: tf.TensorInfo, backend: unknown): tf.TensorInfo {
  (backend as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/** Installs the sharing Identity, and Cast to the same dtype, on the wasm backend (idempotent). */
export function installWasmSharedIdentity(): void {
  wrapKernel(tf.Identity, 'wasm', (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    return x.dtype === 'string' ? stock(args) : share(x, args.backend);
  });
  wrapKernel(tf.Cast, 'wasm', (stock) => (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { dtype } = args.attrs as unknown as { dtype: tf.DataType };
    return x.dtype === dtype && dtype !== 'string' ? share(x, args.backend) : stock(args);
  });
}
