// Template ids: a 64-bit hash of the text a template had when it was first created, as 16 hex
// digits. The id is kept when the template later refines (a constant becoming `<*>`), so ids are
// stable across a stream and the same input always yields the same ids.

/** Two independent 32-bit FNV-1a style lanes over the UTF-16 code units → 16 hex digits. */
export function templateIdOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 16;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return hex8(a) + hex8(b);
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}
