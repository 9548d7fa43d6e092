/** The log line format of behavior.md d: `INFO  [retort.migration] <message>`. */
export function logLine(message: string): string {
  return `INFO  [retort.migration] ${message}`
}
