// Orderly shutdown as data: components register steps in named phases, and the sequence runs
// the phases in this order, so "close the door (HTTP 503) → stop fetching → drain → flush →
// commit → disconnect" holds no matter in which order NestJS happens to destroy modules.
import type { Logger } from '#observability';

export const SHUTDOWN_PHASES = [
  'close-door',
  'stop-intake',
  'drain',
  'flush',
  'commit',
  'disconnect',
] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

interface Step {
  readonly phase: ShutdownPhase;
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

export class ShutdownSequence {
  private readonly steps: Step[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  register(phase: ShutdownPhase, name: string, run: () => Promise<void> | void): void {
    this.steps.push({ phase, name, run });
  }

  /** Runs every step once, phase by phase; a failing step is logged and the rest still run. */
  run(): Promise<void> {
    this.running ??= this.runPhases();
    return this.running;
  }

  private async runPhases(): Promise<void> {
    for (const phase of SHUTDOWN_PHASES) {
      const steps = this.steps.filter((s) => s.phase === phase);
      for (const step of steps.reverse()) {
        try {
          await step.run();
          this.logger.info('shutdown step done', { phase, step: step.name });
        } catch (error) {
          this.logger.error('shutdown step failed', { phase, step: step.name, error });
        }
      }
    }
  }
}
