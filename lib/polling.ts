import type { Logger } from './logger';

/**
 * Runs `step` again and again while it finds work (it returns how many items it handled), then once every
 * `intervalMs`, until stopped. A failing step is logged and tried again on the next round; stop() waits for
 * the step under way, so a process can close its connections after it.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly step: () => Promise<number>,
    private readonly options: { what: string; logger: Logger; intervalMs?: number },
  ) {}

  start(): void {
    const { what, logger, intervalMs = 1_000 } = this.options;
    const round = async () => {
      try {
        while (!this.stopped && (await this.step()) > 0);
      } catch (err) {
        logger.warn({ err }, `${what} failed; will retry`);
      }
      if (this.stopped) return;
      this.timer = setTimeout(() => {
        this.running = round();
      }, intervalMs);
    };
    this.running = round();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
