/** Recognises a file's type from its first bytes, not its name (a renamed .exe is not a PDF). */
export type SniffedType = { family: 'pdf' | 'image'; mime: string; extension: string };

export function sniffFileType(bytes: Uint8Array): SniffedType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x25, 0x50, 0x44, 0x46, 0x2d)) return { family: 'pdf', mime: 'application/pdf', extension: 'pdf' };
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { family: 'image', mime: 'image/png', extension: 'png' };
  if (starts(0xff, 0xd8, 0xff)) return { family: 'image', mime: 'image/jpeg', extension: 'jpg' };
  if (starts(0x47, 0x49, 0x46, 0x38)) return { family: 'image', mime: 'image/gif', extension: 'gif' };
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45 && bytes[10] === 0x42 && bytes[11] === 0x50) {
    return { family: 'image', mime: 'image/webp', extension: 'webp' };
  }
  return undefined;
}
