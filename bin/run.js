#!/usr/bin/env node
import {COMMANDS} from '../dist/commands/index.js'
import {main} from '../dist/main.js'

await main(process.argv.slice(2), import.meta.url, Object.keys(COMMANDS))
