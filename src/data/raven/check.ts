/**
 * Checks a matrix against the rules it claims, on attribute values (not pixels), row by
 * row. Written apart from the generator so that one can catch the other's mistakes.
 */
import { CONFIGURATIONS } from './domains.ts';
import type { ComponentMatrix, ComponentPanel, RavenMatrix } from './generate.ts';
import type { EntityAttribute, Rule } from './rules.ts';

const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
const key = (xs: readonly number[]) => sorted(xs).join(',');

/** Each row holds the same three distinct values and each column holds each of them once. */
function isDistributeThree(grid: readonly string[][]): boolean {
  const values = new Set(grid[0]);
  if (values.size !== 3) return false;
  for (let i = 0; i < 3; i++) {
    const row = new Set(grid[i]);
    const column = new Set(grid.map((r) => r[i]));
    if (row.size !== 3 || column.size !== 3) return false;
    for (const x of row) if (!values.has(x)) return false;
    for (const x of column) if (!values.has(x)) return false;
  }
  return true;
}

function rowHolds(rule: Rule, a: number, b: number, c: number): boolean {
  const v = rule.value;
  switch (rule.name) {
    case 'constant':
      return a === b && b === c;
    case 'progression':
      return b - a === v && c - b === v && v !== 0;
    case 'arithmetic':
      if (rule.attribute === 'color') return v > 0 ? c === a + b : c === a - b;
      // Sizes add settings plus one; numbers add counts (the same thing on count - 1 settings).
      return v > 0 ? c === a + b + 1 : c === a - b - 1;
    default:
      return false;
  }
}

function panelsOf(component: ComponentMatrix): ComponentPanel[][] {
  return [0, 1, 2].map((r) => [0, 1, 2].map((c) => component.panels[3 * r + c]));
}

/** The violations of one component, as readable strings (empty when every rule holds). */
function checkComponent(component: ComponentMatrix, slotCount: number, label: string): string[] {
  const problems: string[] = [];
  const rows = panelsOf(component);
  for (const [p, panel] of component.panels.entries()) {
    if (panel.entities.length !== panel.positions.length || panel.positions.length === 0) {
      problems.push(`${label} panel ${p}: ${panel.entities.length} entities on ${panel.positions.length} positions`);
    }
    if (new Set(panel.positions).size !== panel.positions.length || panel.positions.some((x) => x < 0 || x >= slotCount)) {
      problems.push(`${label} panel ${p}: bad positions ${panel.positions.join(',')}`);
    }
    for (const attribute of ['type', 'size', 'color'] as const) {
      if (new Set(panel.entities.map((e) => e[attribute])).size > 1) problems.push(`${label} panel ${p}: ${attribute} not uniform`);
    }
    if (component.uniform && new Set(panel.entities.map((e) => e.angle)).size > 1) problems.push(`${label} panel ${p}: uniform component with mixed angles`);
  }
  const config = component.rules.configuration;
  const counts = rows.map((row) => row.map((panel) => panel.positions.length - 1));
  if (config.name === 'distribute_three') {
    const grid = config.attribute === 'number' ? counts.map((r) => r.map(String)) : rows.map((row) => row.map((panel) => key(panel.positions)));
    if (config.attribute === 'position' && new Set(counts.flat()).size !== 1) problems.push(`${label}: distribute_three position with changing number`);
    if (!isDistributeThree(grid)) problems.push(`${label}: configuration is not distribute_three on ${config.attribute}`);
  } else {
    rows.forEach((row, r) => {
      const [p0, p1, p2] = row.map((panel) => panel.positions);
      let holds: boolean;
      if (config.name === 'constant') holds = key(p0) === key(p1) && key(p1) === key(p2);
      else if (config.attribute === 'number') holds = rowHolds(config, counts[r][0], counts[r][1], counts[r][2]);
      else if (config.name === 'progression') {
        const shift = (ps: readonly number[]) => key(ps.map((x) => (((x + config.value) % slotCount) + slotCount) % slotCount));
        holds = key(p1) === shift(p0) && key(p2) === shift(p1);
      } else {
        const union = key([...new Set([...p0, ...p1])]);
        const difference = key(p0.filter((x) => !p1.includes(x)));
        holds = config.value > 0 ? key(p2) === union && !p1.every((x) => p0.includes(x)) : key(p2) === difference && p2.length > 0;
      }
      if (!holds) problems.push(`${label} row ${r}: configuration rule ${config.name} on ${config.attribute} fails`);
    });
  }
  for (const attribute of ['type', 'size', 'color'] as EntityAttribute[]) {
    const rule = component.rules[attribute];
    const grid = rows.map((row) => row.map((panel) => panel.entities[0][attribute]));
    if (rule.name === 'distribute_three') {
      if (!isDistributeThree(grid.map((r) => r.map(String)))) problems.push(`${label}: ${attribute} is not distribute_three`);
    } else {
      grid.forEach((row, r) => {
        if (!rowHolds(rule, row[0], row[1], row[2])) problems.push(`${label} row ${r}: ${rule.name}(${rule.value}) on ${attribute} fails: ${row.join(', ')}`);
      });
    }
  }
  return problems;
}

/** Every rule violation and out-of-bounds value in the matrix; empty when the matrix is sound. */
export function checkMatrix(matrix: RavenMatrix): string[] {
  const configuration = CONFIGURATIONS[matrix.configuration];
  const problems: string[] = [];
  if (configuration.components.length !== matrix.components.length) problems.push('wrong number of components');
  matrix.components.forEach((component, i) => {
    const spec = configuration.components[i];
    const label = `component ${i} (${component.kind})`;
    if (component.panels.length !== 9) problems.push(`${label}: ${component.panels.length} panels`);
    for (const panel of component.panels) {
      for (const e of panel.entities) {
        for (const attribute of ['type', 'size', 'color', 'angle'] as const) {
          const b = spec[attribute];
          if (e[attribute] < b.min || e[attribute] > b.max) problems.push(`${label}: ${attribute} ${e[attribute]} outside [${b.min}, ${b.max}]`);
        }
      }
    }
    problems.push(...checkComponent(component, spec.slots.length, label));
  });
  return problems;
}
