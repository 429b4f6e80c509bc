/** Hands a URL's content (a blob or data: URL the page made) to the browser as a download. */
export function downloadUrl(url: string, fileName: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** Hands a file the page made to the browser as a download (the host's save dialog in Electron). */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  downloadUrl(url, fileName);
  // Revoked once the browser has taken the file; a slow save dialog has long since read it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A report page the engine rendered (validation, drift, review), saved as one HTML file. */
export function downloadHtml(fileName: string, html: string): void {
  downloadText(html, fileName, 'text/html');
}
