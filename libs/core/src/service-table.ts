// Per-(environment, service) state, found without building a key string per lookup: the
// verifier and the detector look a service up once per telemetry batch, and a concatenated key
// was a string built, flattened and hashed every time (the service name's own hash, by
// contrast, is computed once per batch and reused by every later lookup of the same string).
export class ServiceTable<T> {
  private readonly byEnvironment = new Map<string, Map<string, T>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(environment: string, service: string): T | undefined {
    return this.byEnvironment.get(environment)?.get(service);
  }

  set(environment: string, service: string, value: T): void {
    let services = this.byEnvironment.get(environment);
    if (!services) this.byEnvironment.set(environment, (services = new Map()));
    const size = services.size;
    services.set(service, value);
    this.count += services.size - size;
  }

  delete(environment: string, service: string): void {
    const services = this.byEnvironment.get(environment);
    if (!services?.delete(service)) return;
    this.count--;
    if (services.size === 0) this.byEnvironment.delete(environment);
  }

  *values(): IterableIterator<T> {
    for (const services of this.byEnvironment.values()) yield* services.values();
  }
}
