import { useEffect, useState } from 'react';

/**
 * Chromium keeps at most 16 live WebGL contexts per page and silently drops the oldest past that, which
 * blanks a chart. plotly's WebGL traces take a context per chart, so WebGL charts draw from a small
 * budget: the heaviest charts get it, the rest (and every chart where WebGL is missing) use SVG.
 */
export const GL_BUDGET = 6;
/** Below this many points per chart, SVG draws as fast and exports crisper. */
export const GL_MIN_POINTS = 10_000;

let inUse = 0;
let available: boolean | null = null;

function webglAvailable(): boolean {
  if (available === null) {
    const gl = document.createElement('canvas').getContext('webgl');
    available = gl !== null;
    // Give the probe's context back at once rather than waiting for garbage collection.
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return available;
}

/**
 * Whether this chart may use WebGL: true while it holds one of the budget's slots, null until that
 * is decided, so a chart is never drawn in SVG first and then again in WebGL.
 */
export function useWebglSlot(wanted: boolean): boolean | null {
  const [state, setState] = useState<{ wanted: boolean; gl: boolean } | null>(null);
  useEffect(() => {
    if (!wanted || !webglAvailable() || inUse >= GL_BUDGET) {
      setState({ wanted, gl: false });
      return;
    }
    inUse++;
    setState({ wanted, gl: true });
    return () => {
      inUse--;
    };
  }, [wanted]);
  return state === null || state.wanted !== wanted ? null : state.gl;
}
