export function lintLayers(root: string): string[];
export function importsOf(text: string): { spec: string; line: number }[];
