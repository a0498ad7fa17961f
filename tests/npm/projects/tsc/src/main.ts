import { area, Box, type Shape } from './shapes.js';

enum Level { Low = 1, Mid, High }

interface Report<K extends string> {
  readonly totals: Record<K, number>;
  level?: Level;
}

const shapes: Shape[] = [
  { kind: 'circle', radius: 1 },
  { kind: 'rect', width: 2, height: 3 },
  { kind: 'triangle', base: 4, height: 5 },
];

function summarize<K extends Shape['kind']>(list: Shape[]): Report<K> {
  const totals = {} as Record<K, number>;
  for (const s of list) totals[s.kind as K] = (totals[s.kind as K] ?? 0) + area(s);
  return { totals, level: list.length > 2 ? Level.High : Level.Low };
}

export async function run(): Promise<string> {
  const box = new Box<number>('numbers').add(1, 2, 3);
  const report = summarize(shapes);
  await Promise.resolve();
  return `${box.describe()}; ${JSON.stringify(report)}; ${Level[report.level ?? Level.Mid]}`;
}
