#!/usr/bin/env node
import {serveHelp} from '../dist/help/fast-help.js'

if (!(await serveHelp(process.argv.slice(2), new URL('../dist/help/pages.json', import.meta.url)))) {
  const [{COMMANDS}, {main}] = await Promise.all([import('../dist/commands/index.js'), import('../dist/main.js')])
  await main(process.argv.slice(2), import.meta.url, Object.keys(COMMANDS))
}
