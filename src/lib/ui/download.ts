/** Saves a Blob as a file the browser downloads. */
export function downloadBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A name made safe for a file name (letters, digits, '.', '-', '_'). */
export function safeFileName(name: string, fallback = 'dataset'): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 120) || fallback;
}
