#!/usr/bin/env node
import module from 'node:module'
import { readFileSync } from 'node:fs'

// Node 22.1+ keeps compiled code of Retort and its dependencies on disk between runs.
;(module as { enableCompileCache?: () => unknown }).enableCompileCache?.()

const argv = process.argv.slice(2)
if (argv.length === 1 && argv[0] === '--version') {
  // Answered before the parser and the rest of Retort are loaded: the same line main() prints.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  process.stdout.write(`retort ${pkg.version}\n`)
} else {
  // Log lines are gathered and written together once the work in hand yields (a long
  // `--sql` run logs one line per revision); stdout first flushes them, keeping the order.
  let pending = ''
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending === '') return
    const text = pending
    pending = ''
    toStderr(text)
  }
  const { main } = await import('./main.js')
  const { pipeWriter } = await import('./streams.js')
  const toStdout = pipeWriter(process.stdout)
  const toStderr = pipeWriter(process.stderr)
  try {
    process.exitCode = await main(argv, {
      stdout: (text) => {
        flush()
        toStdout(text)
      },
      stderr: (text) => {
        pending += text
        if (!scheduled) {
          scheduled = true
          setImmediate(flush)
        }
      },
      cwd: process.cwd(),
      env: process.env,
      isTTY: { stdout: Boolean(process.stdout.isTTY), stderr: Boolean(process.stderr.isTTY) },
    })
  } finally {
    flush()
  }
}
