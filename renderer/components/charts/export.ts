import { downloadText, downloadUrl } from '../download.js';

/** Exports one of our own SVG charts (those plotly does not draw) as SVG, or as PNG through a canvas. */
export async function exportSvg(svg: SVGSVGElement, filename: string, format: 'svg' | 'png'): Promise<void> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  // Colours come from CSS variables, which a standalone file does not have: inline the computed ones.
  const src = svg.querySelectorAll('*');
  clone.querySelectorAll('*').forEach((node, i) => {
    const cs = getComputedStyle(src[i]);
    (node as SVGElement).setAttribute(
      'style',
      `fill:${cs.fill};stroke:${cs.stroke};stroke-width:${cs.strokeWidth};opacity:${cs.opacity};font:${cs.font}`,
    );
  });
  const text = new XMLSerializer().serializeToString(clone);
  if (format === 'svg') return downloadText(text, `${filename}.svg`, 'image/svg+xml');
  const { width, height } = svg.getBoundingClientRect();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  await new Promise<void>((resolve, reject) => {
    img.onload = () => resolve();
    img.onerror = () => reject(new Error('the chart could not be rendered to an image'));
    img.src = url;
  });
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(width * 2);
  canvas.height = Math.ceil(height * 2);
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0, width, height);
  URL.revokeObjectURL(url);
  downloadUrl(canvas.toDataURL('image/png'), `${filename}.png`);
}
