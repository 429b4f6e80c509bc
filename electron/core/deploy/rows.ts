/** A request the service refuses with HTTP 400: the reason goes back to the caller, the service stays up. */
export class RowError extends Error {}

/**
 * Rows of a prediction request as a numeric matrix and the feature names to log them under: lists
 * of numbers, or objects keyed by feature name (in the model's order when it names its features).
 */
export function parseRows(
  rows: unknown,
  width: number | null,
  featureNames: string[] | null,
): { matrix: number[][]; names: string[] } {
  if (!Array.isArray(rows) || rows.length === 0) throw new RowError('rows must be a non-empty list');
  let names: string[] | null = null;
  const matrix: number[][] = [];
  rows.forEach((raw, i) => {
    let row: unknown[];
    if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
      const obj = raw as Record<string, unknown>;
      names ??= featureNames ?? Object.keys(obj);
      const missing = names.filter((n) => !(n in obj));
      if (missing.length) throw new RowError(`row ${i} lacks ${missing.slice(0, 5).join(', ')}`);
      row = names.map((n) => obj[n]);
    } else if (Array.isArray(raw)) row = raw;
    else throw new RowError(`row ${i} is not a list of values or an object`);
    const w = width ?? matrix[0]?.length ?? row.length;
    if (row.length !== w) throw new RowError(`row ${i} has ${row.length} values where the model takes ${w}`);
    row.forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new RowError(`row ${i}, column ${j}: ${JSON.stringify(v)} is not a finite number`);
    });
    matrix.push(row as number[]);
  });
  return { matrix, names: names ?? featureNames ?? positionalNames(matrix[0].length) };
}

const positional = new Map<number, string[]>();

/** x0, x1, … for rows given as lists: one shared array per width, not 30 new strings per request. */
function positionalNames(width: number): string[] {
  let names = positional.get(width);
  if (!names) positional.set(width, (names = Array.from({ length: width }, (_, j) => `x${j}`)));
  return names;
}
