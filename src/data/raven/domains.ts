/**
 * RAVEN attribute domains and panel configurations, as in raven-gen (the generator the
 * original G-SSNN experiments used). Attributes are stored as *settings* (indices into
 * these tables); rules act on settings.
 */

/** Entity types by setting; setting 0 ("none") is never sampled. */
export const TYPES = ['none', 'triangle', 'square', 'pentagon', 'hexagon', 'circle'] as const;
/** Size as a fraction of the slot's half-extent. */
export const SIZES = [0.4, 0.5, 0.6, 0.7, 0.8, 0.9] as const;
/** Fill grey level by setting: 0 is white, 9 black (a higher setting is darker). */
export const COLORS = [255, 224, 196, 168, 140, 112, 84, 56, 28, 0] as const;
/** Rotations in degrees; the original data set disables the oblique ones (+-45, +-135). */
export const ANGLES = [-90, 0, 90, 180] as const;
/** Uniformity settings: a component is uniform (all its entities share one angle) at setting 3 only. */
export const UNIFORMITY = [false, false, false, true] as const;
/** The matrix background grey is drawn from these (the original: range(28, 225, 28)). */
export const BACKGROUNDS = [28, 56, 84, 112, 140, 168, 196, 224] as const;

export interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** Where an entity may sit: centre and extent as fractions of the panel. */
export interface Slot {
  readonly row: number;
  readonly col: number;
  readonly height: number;
  readonly width: number;
}

export type LayoutName = 'center' | 'grid_four' | 'grid_five' | 'grid_nine';
export type ComponentKind = 'none' | 'left' | 'right' | 'up' | 'down' | 'out' | 'in';

export interface ComponentSpec {
  readonly kind: ComponentKind;
  readonly layout: LayoutName;
  readonly slots: readonly Slot[];
  /** Number bounds are settings of entity count - 1; at most slots - 1. */
  readonly number: Bounds;
  readonly type: Bounds;
  readonly size: Bounds;
  readonly color: Bounds;
  readonly angle: Bounds;
}

export type ConfigurationName =
  | 'one_shape'
  | 'four_shape'
  | 'five_shape'
  | 'nine_shape'
  | 'two_shape_vertical_sep'
  | 'two_shape_horizontal_sep'
  | 'shape_in_shape'
  | 'four_shape_in_shape';

/** How the panel is divided: a separator line is drawn for left-right and up-down. */
export type StructureName = 'singleton' | 'left_right' | 'up_down' | 'out_in';

export interface Configuration {
  readonly name: ConfigurationName;
  readonly structure: StructureName;
  readonly components: readonly ComponentSpec[];
}

const slot = (row: number, col: number, extent: number): Slot => ({ row, col, height: extent, width: extent });

const FULL = { type: { min: 1, max: 5 }, color: { min: 0, max: 9 }, angle: { min: 0, max: ANGLES.length - 1 } };

function component(kind: ComponentKind, layout: LayoutName, slots: Slot[], sizeMin: number, colorMax = 9): ComponentSpec {
  return { kind, layout, slots, number: { min: 0, max: slots.length - 1 }, ...FULL, size: { min: sizeMin, max: 5 }, color: { min: 0, max: colorMax } };
}

/**
 * The configurations with the attribute bounds of the original data set: raven-gen's
 * defaults (an outer shape is always white and at least size 3) plus the size minimums
 * that symbolically_synthesized_networks/raven.py sets before generating.
 */
export const CONFIGURATIONS: Readonly<Record<ConfigurationName, Configuration>> = {
  one_shape: { name: 'one_shape', structure: 'singleton', components: [component('none', 'center', [slot(0.5, 0.5, 1)], 0)] },
  four_shape: {
    name: 'four_shape',
    structure: 'singleton',
    components: [component('none', 'grid_four', [slot(0.25, 0.25, 0.5), slot(0.25, 0.75, 0.5), slot(0.75, 0.25, 0.5), slot(0.75, 0.75, 0.5)], 3)],
  },
  five_shape: {
    name: 'five_shape',
    structure: 'singleton',
    components: [
      component('none', 'grid_five', [slot(0.2, 0.2, 0.33), slot(0.2, 0.8, 0.33), slot(0.5, 0.5, 0.33), slot(0.8, 0.2, 0.33), slot(0.8, 0.8, 0.33)], 5),
    ],
  },
  nine_shape: {
    name: 'nine_shape',
    structure: 'singleton',
    components: [
      component(
        'none',
        'grid_nine',
        [0.16, 0.5, 0.83].flatMap((row) => [0.16, 0.5, 0.83].map((col) => slot(row, col, 0.33))),
        0,
      ),
    ],
  },
  two_shape_vertical_sep: {
    name: 'two_shape_vertical_sep',
    structure: 'left_right',
    components: [component('left', 'center', [slot(0.5, 0.25, 0.5)], 3), component('right', 'center', [slot(0.5, 0.75, 0.5)], 3)],
  },
  two_shape_horizontal_sep: {
    name: 'two_shape_horizontal_sep',
    structure: 'up_down',
    components: [component('up', 'center', [slot(0.25, 0.5, 0.5)], 3), component('down', 'center', [slot(0.75, 0.5, 0.5)], 3)],
  },
  shape_in_shape: {
    name: 'shape_in_shape',
    structure: 'out_in',
    components: [component('out', 'center', [slot(0.5, 0.5, 1)], 5, 0), component('in', 'center', [slot(0.5, 0.5, 0.33)], 5)],
  },
  four_shape_in_shape: {
    name: 'four_shape_in_shape',
    structure: 'out_in',
    components: [
      component('out', 'center', [slot(0.5, 0.5, 1)], 3, 0),
      component('in', 'grid_four', [slot(0.42, 0.42, 0.15), slot(0.42, 0.58, 0.15), slot(0.58, 0.42, 0.15), slot(0.58, 0.58, 0.15)], 2),
    ],
  },
};

/** The configurations the original data set drew from, with its weights. */
export const ORIGINAL_CONFIGURATION_WEIGHTS: ReadonlyArray<readonly [ConfigurationName, number]> = [
  ['one_shape', 0.15],
  ['four_shape', 0.2],
  ['five_shape', 0.2],
  ['two_shape_vertical_sep', 0.15],
  ['two_shape_horizontal_sep', 0.15],
  ['shape_in_shape', 0.15],
];
