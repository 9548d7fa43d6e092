#!/usr/bin/env node
import { main } from './main.js'
import { pipeWriter } from './streams.js'

process.exitCode = await main(process.argv.slice(2), {
  stdout: pipeWriter(process.stdout),
  stderr: pipeWriter(process.stderr),
  cwd: process.cwd(),
  env: process.env,
})
