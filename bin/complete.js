#!/usr/bin/env node
// kubectl (>= 1.26) runs kubectl_complete-netdiag with the words after `kubectl netdiag` for shell completion.
import {runCompletion} from '../dist/completion/main.js'

await runCompletion(process.argv.slice(2))
// A timed-out API call may still hold a socket open: exit once stdout is flushed (pipes are async on macOS).
process.stdout.write('', () => process.exit(0))
