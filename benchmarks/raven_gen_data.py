"""RAVEN constant-colour matrices from raven-gen 0.3.2, with the original's settings (not a dependency).

For benchmarks/paper-baseline.ts --raven-gen DIR: trains the PyTorch re-implementation of the
original's baseline (benchmarks/original_baseline.py) on the generator the original used, so that
the protocol's result on its own data can be set beside its result on ours.

The settings follow shlomenu/symbolically_synthesized_networks@f960ecd (raven.py): oblique angle
rotations off; a ruleset whose size rules are CONSTANT; the six matrix types with weights
.15/.2/.2/.15/.15/.15; minimum sizes raised for the crowded layouts; backgrounds from
range(28, 225, 28); the answer panel rendered at 128 px with generate_matrix(answer, bg, 128, 1, 1);
label 1 when any component's colour rule is CONSTANT. The original drew 20,000 matrices and split
them once (128 training, 1,200 evaluation); here one seeded draw gives 128 / 1,200 / 1,200.

    pip install raven-gen==0.3.2   (or PYTHONPATH=<raven-gen checkout>/src)
    python3 benchmarks/raven_gen_data.py OUT_DIR [--seed 0]

Writes OUT_DIR/{train,validation,test}.x.f32 (NHWC float32 in [0, 1]) and .y.i32, as
original_baseline.py reads them. raven-gen draws from numpy's global generator but also iterates
over sets of enum members, whose order follows Python's per-process string hashing; the script
re-runs itself with PYTHONHASHSEED=0 so that a seed gives the same matrices every time.
"""
import argparse
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})

import numpy as np

try:
    from raven_gen import ComponentType, LayoutType, Matrix, MatrixType, Ruleset, RuleType
except ImportError as err:  # a clear message instead of a traceback
    raise SystemExit(f"raven_gen_data.py: raven-gen is not importable ({err}); pip install raven-gen==0.3.2, or set PYTHONPATH to a checkout's src/")

SPLITS = (("train", 128), ("validation", 1200), ("test", 1200))
TYPES = [MatrixType.ONE_SHAPE, MatrixType.FOUR_SHAPE, MatrixType.FIVE_SHAPE, MatrixType.TWO_SHAPE_VERTICAL_SEP, MatrixType.TWO_SHAPE_HORIZONTAL_SEP, MatrixType.SHAPE_IN_SHAPE]
WEIGHTS = [0.15, 0.2, 0.2, 0.15, 0.15, 0.15]
MINIMUM_SIZES = [
    (MatrixType.FOUR_SHAPE, ComponentType.NONE, LayoutType.GRID_FOUR, 3),
    (MatrixType.FIVE_SHAPE, ComponentType.NONE, LayoutType.GRID_FIVE, 5),
    (MatrixType.TWO_SHAPE_VERTICAL_SEP, ComponentType.LEFT, LayoutType.CENTER, 3),
    (MatrixType.TWO_SHAPE_VERTICAL_SEP, ComponentType.RIGHT, LayoutType.CENTER, 3),
    (MatrixType.TWO_SHAPE_HORIZONTAL_SEP, ComponentType.UP, LayoutType.CENTER, 3),
    (MatrixType.TWO_SHAPE_HORIZONTAL_SEP, ComponentType.DOWN, LayoutType.CENTER, 3),
    (MatrixType.SHAPE_IN_SHAPE, ComponentType.OUT, LayoutType.CENTER, 5),
    (MatrixType.SHAPE_IN_SHAPE, ComponentType.IN, LayoutType.CENTER, 5),
]
BACKGROUNDS = list(range(28, 225, 28))


def main():
    args = argparse.ArgumentParser()
    args.add_argument("out")
    args.add_argument("--seed", type=int, default=0)
    a = args.parse_args()
    np.random.seed(a.seed)  # raven-gen draws from numpy's global generator
    Matrix.oblique_angle_rotations(allowed=False)
    for matrix_type, component, layout, size_min in MINIMUM_SIZES:
        Matrix.attribute_bounds[matrix_type][(component, layout)]["size_min"] = size_min
    ruleset = Ruleset(size_rules=[RuleType.CONSTANT])
    total = sum(n for _, n in SPLITS)
    images, labels = [], []
    for _ in range(total):
        rpm = Matrix.make(np.random.choice(TYPES, p=WEIGHTS), ruleset=ruleset, n_alternatives=1)
        background = int(np.random.choice(BACKGROUNDS))
        images.append(np.asarray(rpm.generate_matrix(rpm.answer, background, 128, 1, 1), dtype=np.float32)[:, :, None] / 255.0)
        labels.append(int(any(rule.color.name is RuleType.CONSTANT for rule in rpm.rules)))
    x, y = np.stack(images).astype("<f4"), np.array(labels, dtype="<i4")
    os.makedirs(a.out, exist_ok=True)
    start = 0
    for name, n in SPLITS:
        x[start:start + n].tofile(os.path.join(a.out, f"{name}.x.f32"))
        y[start:start + n].tofile(os.path.join(a.out, f"{name}.y.i32"))
        print(f"{name}: {n} matrices, positive fraction {y[start:start + n].mean():.3f}")
        start += n


if __name__ == "__main__":
    main()
