// JSON pointer segments (RFC 6901), the way every validation message names a place in an object.
export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
