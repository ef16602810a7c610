// The tenures of one group member (port.ts Membership): one per assignment, each current only
// while it is the newest and the adapter says the member still holds its partitions.
import type { Membership } from './port.js';

export class Tenures {
  private generation = 0;

  /** `holds`: whether the member still holds its latest assignment (the adapter's own test). */
  constructor(private readonly holds: () => boolean) {}

  /** A new assignment: earlier tenures end. */
  next(): Membership {
    const generation = ++this.generation;
    const isCurrent = () => generation === this.generation && this.holds();
    return {
      get current() {
        return isCurrent();
      },
    };
  }

  /** The member stopped: no tenure is current any more. */
  end(): void {
    this.generation++;
  }
}
