/** The MNIST tasks offered as data sets. */
import type { MnistTask } from './mnist.ts';

export interface MnistTaskEntry extends MnistTask {
  readonly name: string;
  readonly task: string;
  readonly description: string;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export const MNIST_TASKS: readonly MnistTaskEntry[] = [
  {
    name: 'mnist',
    task: 'digit',
    description: 'Real MNIST digits (10,000 from the mnist package), 10 classes: which digit.',
    classNames: DIGITS,
    classOf: (d) => d,
  },
  {
    name: 'mnist-even-odd',
    task: 'parity',
    description: 'Real MNIST digits, binary: is the digit even (class 0) or odd (class 1).',
    classNames: ['even', 'odd'],
    classOf: (d) => d % 2,
  },
  {
    name: 'mnist-0v1',
    task: 'zero-vs-one',
    description: 'Real MNIST digits 0 and 1 only (the others are left out), binary: 0 or 1.',
    classNames: ['0', '1'],
    classOf: (d) => (d <= 1 ? d : -1),
  },
  {
    name: 'mnist-lt5',
    task: 'less-than-five',
    description: 'Real MNIST digits, binary: is the digit 0-4 (class 0) or 5-9 (class 1).',
    classNames: ['0-4', '5-9'],
    classOf: (d) => (d < 5 ? 0 : 1),
  },
];
