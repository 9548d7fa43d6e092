import { stepText, type StepEvent } from '../graph/step.js'
import { paintRevisionText, type Painter } from './color.js'

/** Runs of more steps than this show `[n/total]` before each step on a terminal. */
export const PROGRESS_AFTER = 5

/**
 * Log output for a terminal: each `Running ...` line gets `[n/total]` when the
 * run is longer than a handful of steps, and its duration when the step ends
 * (written on the same line). Other lines pass through; one arriving while a
 * step's line is open first ends that line.
 */
export class TerminalLog {
  private open = false
  private prefix = ''
  /** Ids of the step that has started and whose `Running ...` line is the next to come. */
  private pendingStep: ReadonlySet<string> | undefined

  constructor(
    private readonly write: (text: string) => void,
    private readonly paint: Painter,
  ) {}

  /** A log line from the API (no trailing newline). */
  line(line: string): void {
    this.close()
    const running = /^(INFO {2}\[retort\.migration\] )(Running .*)$/.exec(line)
    if (running && this.pendingStep) {
      const text = paintRevisionText(running[2]!, this.pendingStep, this.paint)
      this.pendingStep = undefined
      this.write(`${running[1]}${this.prefix}${text}`)
      this.open = true
      return
    }
    if (line.startsWith('WARNI')) this.write(this.paint.warn(line) + '\n')
    else this.write(line + '\n')
  }

  step(event: StepEvent): void {
    if (event.phase === 'start') {
      this.close()
      this.pendingStep = new Set([...event.step.from, ...event.step.to])
      this.prefix =
        event.total > PROGRESS_AFTER ? this.paint.dim(`[${event.index + 1}/${event.total}] `) : ''
      return
    }
    const text = this.paint.dim(` (${formatDuration(event.durationMs)})`)
    if (this.open) {
      this.write(`${text}\n`)
      this.open = false
    } else {
      // Another line ended the step's line early: say which step the duration belongs to.
      this.write(`INFO  [retort.migration] ${stepText(event.step)} done${text}\n`)
    }
  }

  /** End a step line left open (a failure, or the end of the run). */
  close(): void {
    if (this.open) {
      this.write('\n')
      this.open = false
    }
  }
}

/** `12 ms`, `1.4 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}
