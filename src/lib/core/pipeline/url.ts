import { deflateSync, Inflate } from 'fflate';
import { LatheError } from '../base/errors';
import { parseSpec, type ParseOptions } from './parse';
import type { PipelineSpec } from '../spec/types';

/** Version of the link format (deflate-raw + base64url JSON), independent of the spec version. */
export const LINK_VERSION = 1;
/** Fragments longer than this are not offered as links; the UI offers a .json download. */
export const MAX_LINK_BYTES = 8192;
/** Longest fragment text decoded at all. */
export const MAX_FRAGMENT_CHARS = 64 * 1024;
/** Most spec JSON bytes a link may inflate to; inflation stops as soon as it is passed. */
export const MAX_SPEC_BYTES = 1024 * 1024;
const INFLATE_CHUNK = 1024;

/** `p=<base64url(deflateRaw(json))>&v=1`, without the '#'. The spec is validated first. */
export function encodeSpecToFragment(spec: PipelineSpec, options?: ParseOptions): string {
  const json = JSON.stringify(parseSpec(spec, options));
  const packed = deflateSync(new TextEncoder().encode(json), { level: 9 });
  return `p=${toBase64Url(packed)}&v=${LINK_VERSION}`;
}

/**
 * The spec in a link's fragment (with or without the '#'). Throws LatheError 'LINK_TOO_LARGE',
 * 'LINK_CORRUPT', 'LINK_FUTURE_VERSION' or 'SPEC_INVALID'; never allocates more than about
 * MAX_SPEC_BYTES however the data was made.
 */
export function decodeSpecFromFragment(fragment: string, options?: ParseOptions): PipelineSpec {
  if (fragment.length > MAX_FRAGMENT_CHARS) {
    throw new LatheError(
      'LINK_TOO_LARGE',
      `This link is too long to open (${fragment.length} characters; at most ${MAX_FRAGMENT_CHARS}). Open the spec as a .json file instead.`
    );
  }
  let text = fragment.replace(/^#/, '');
  try {
    if (text.includes('%')) text = decodeURIComponent(text);
  } catch {
    throw corrupt('it is not a valid URL fragment');
  }
  const fields = new Map<string, string>();
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key !== 'p' && key !== 'v') continue;
    if (fields.has(key)) throw corrupt(`it has two "${key}" fields`);
    fields.set(key, eq < 0 ? '' : part.slice(eq + 1));
  }
  const version = fields.get('v');
  if (version === undefined) throw corrupt('it has no version ("v") field');
  if (!/^[0-9]{1,9}$/.test(version)) throw corrupt('its version is not a number');
  if (Number(version) > LINK_VERSION) {
    throw new LatheError(
      'LINK_FUTURE_VERSION',
      `This link was made by a newer Lathe (link version ${Number(version)}); update Lathe (reload the page) to open it.`,
      { version: Number(version), supported: LINK_VERSION }
    );
  }
  if (Number(version) !== LINK_VERSION) throw corrupt(`link version ${version} is unknown`);
  const payload = fields.get('p');
  if (!payload) throw corrupt('it has no pipeline ("p") field');
  const bytes = fromBase64Url(payload);
  const json = inflateCapped(bytes);
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch {
    throw corrupt('its content is not valid JSON');
  }
  try {
    return parseSpec(value, options);
  } catch (error) {
    if (error instanceof LatheError && error.code === 'SPEC_FUTURE_VERSION') {
      throw new LatheError('LINK_FUTURE_VERSION', error.message, error.details);
    }
    throw error;
  }
}

function corrupt(reason: string): LatheError {
  return new LatheError(
    'LINK_CORRUPT',
    `This pipeline link is damaged: ${reason}. Ask for the link again, or for the spec as a .json file.`
  );
}

function inflateCapped(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    total += chunk.length;
    if (total > MAX_SPEC_BYTES) {
      throw new LatheError(
        'LINK_TOO_LARGE',
        `This link unpacks to more than ${MAX_SPEC_BYTES / 1024 / 1024} MB; it was not opened.`
      );
    }
    parts.push(chunk);
    done = final;
  });
  try {
    for (let at = 0; at < bytes.length; at += INFLATE_CHUNK) {
      const end = Math.min(at + INFLATE_CHUNK, bytes.length);
      inflater.push(bytes.subarray(at, end), end === bytes.length);
    }
  } catch (error) {
    if (error instanceof LatheError) throw error;
    throw corrupt('its data does not decompress');
  }
  if (!done) throw corrupt('its data is cut short');
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const DECODE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out +=
      ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63];
  }
  if (i < bytes.length) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
    out += ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63];
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63];
  }
  return out;
}

/** Strict unpadded base64url: any other character or a dangling sextet is corruption. */
export function fromBase64Url(text: string): Uint8Array {
  if (text.length % 4 === 1) throw corrupt('its data has a broken length');
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const d = c < 128 ? DECODE[c] : -1;
    if (d < 0) throw corrupt('its data has characters outside base64url');
    acc = ((acc << 6) | d) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
