import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** How long one observation window lasts; liveness reports the worse of the current and the previous one. */
const WINDOW_MS = 5000;

/**
 * The longest the event loop was blocked recently, from Node's own delay histogram: a liveness probe is answered
 * only once the loop runs again, so the probe itself cannot see a stall; the histogram can.
 */
@Injectable()
export class EventLoopMonitor implements OnApplicationShutdown {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 20 });
  private previousMaxMs = 0;
  private readonly timer: NodeJS.Timeout;

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.previousMaxMs = this.histogram.max / 1e6;
      this.histogram.reset();
    }, WINDOW_MS);
    this.timer.unref();
  }

  /** The longest blocked stretch over the last 5 to 10 seconds, in milliseconds. */
  get maxDelayMs(): number {
    return Math.max(this.previousMaxMs, this.histogram.max / 1e6);
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
