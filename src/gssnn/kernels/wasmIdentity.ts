/**
 * The wasm backend's Identity kernel copies its input, and tfjs runs Identity for every
 * tensor it saves for the backward pass (a training step of the `small` G-SSNN saved ~150,
 * about a tenth of the step's time). Tensors are immutable, so this one shares the input's
 * data and counts one more reference, as the cpu backend does.
 */
import * as tf from '@tensorflow/tfjs-core';

interface RefCountingBackend {
  incRef(dataId: tf.TensorInfo['dataId']): void;
}

let shared: tf.KernelFunc | null = null;

/** Installs the sharing Identity on the wasm backend (idempotent). */
export function installWasmSharedIdentity(): void {
  const stock = tf.getKernel(tf.Identity, 'wasm');
  if (!stock || stock.kernelFunc === shared) return;
  const stockFunc = stock.kernelFunc;
  shared = ({ inputs, backend, attrs }) => {
    const { x } = inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stockFunc({ inputs, backend, attrs });
    (backend as unknown as RefCountingBackend).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
  tf.unregisterKernel(tf.Identity, 'wasm');
  tf.registerKernel({ ...stock, kernelFunc: shared });
}
