// Why input was refused, as data the dead-letter record and the HTTP 4xx both carry: a stable
// machine-readable code and a reason in words that names the field at fault.
export class DecodeError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'DecodeError';
  }
}
