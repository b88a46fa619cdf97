/** Protobuf bytes written by hand, for inputs no encoder would produce. */

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return out;
}

/**
 * Length-delimited protobuf fields nested in one another, `fields[0]` outermost, the innermost
 * empty: the bytes a message nested `fields.length` deep is made of.
 */
export function nested(fields: readonly number[]): Uint8Array {
  const lengths = new Array<number>(fields.length);
  let size = 0;
  for (let i = fields.length - 1; i >= 0; i--) {
    lengths[i] = size;
    size += varint((fields[i] << 3) | 2).length + varint(size).length;
  }
  const out: number[] = [];
  fields.forEach((f, i) => out.push(...varint((f << 3) | 2), ...varint(lengths[i])));
  return Uint8Array.from(out);
}
