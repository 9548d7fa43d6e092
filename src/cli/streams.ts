import type { Writable } from 'node:stream'

/**
 * A writer for stdout or stderr that stops quietly when the reader goes
 * away (`retort history | head -1`): an EPIPE ends the output, not the
 * process with an unhandled 'error' event. The command itself runs to its
 * end (a migration is never cut short by a closed pipe).
 */
export function pipeWriter(stream: Writable): (text: string) => void {
  let closed = false
  stream.on('error', (error: Error & { code?: string }) => {
    if (error.code === 'EPIPE') closed = true
    else throw error
  })
  return (text) => {
    if (!closed) stream.write(text)
  }
}
