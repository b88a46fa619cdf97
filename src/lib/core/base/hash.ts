/** Lowercase hex SHA-256 of the bytes, via SubtleCrypto (browsers, workers, node ≥ 20). */
export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource));
  let hex = '';
  for (let i = 0; i < digest.length; i++) hex += HEX[digest[i]];
  return hex;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
