export function lintLayers(root: string): string[];
export function importsOf(
  text: string,
): { spec: string; line: number; typeOnly: boolean; lazy: boolean; bare: boolean }[];
export function importCycles(root: string, dirs?: string[]): string[];
