#!/usr/bin/env node
// Renders every help page with oclif itself, without colour and with, into dist/help/pages.json, which
// src/help/fast-help.ts prints for `--help` without loading oclif. ansis (oclif's colours) decides once, when it
// loads, so each variant is rendered in a process of its own.
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const script = fileURLToPath(import.meta.url)

if (process.argv[2] === '--render') {
  const {COMMANDS} = await import(join(root, 'dist/commands/index.js'))
  const {run} = await import(join(root, 'dist/oclif.js'))
  const topics = ['', ...Object.keys(COMMANDS)]
  const write = process.stdout.write.bind(process.stdout)
  const pages = {}
  for (const topic of topics) {
    const chunks = []
    process.stdout.write = (chunk) => chunks.push(String(chunk)) > 0
    try {
      await run(topic ? [topic, '--help'] : ['--help'], join(root, 'bin/run.js'))
    } finally {
      process.stdout.write = write
    }
    pages[topic] = chunks.join('')
  }
  write(JSON.stringify(pages))
} else {
  const {name, version} = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const userAgent = `${name}/${version} ${process.platform}-${process.arch} node-${process.version}`
  const userAgentMark = '\u0000NETDIAG-USER-AGENT\u0000'
  const render = (forceColor) => {
    const env = {...process.env, FORCE_COLOR: forceColor}
    delete env.OCLIF_COLUMNS
    delete env.NO_COLOR
    return JSON.parse(execFileSync(process.execPath, [script, '--render'], {env, encoding: 'utf8', maxBuffer: 2 ** 24}))
  }
  const plain = render('0')
  const color = render('1')
  if (!plain[''].includes(userAgent)) throw new Error(`render-help: the root help has no VERSION line reading ${userAgent}`)
  if (plain[''] === color['']) throw new Error('render-help: the coloured root help is the plain one: FORCE_COLOR had no effect')
  const marked = (text) => text.replaceAll(userAgent, userAgentMark)
  const pages = Object.fromEntries(Object.keys(plain).map((topic) => [topic, {plain: marked(plain[topic]), color: marked(color[topic])}]))
  writeFileSync(join(root, 'dist/help/pages.json'), `${JSON.stringify({name, version, userAgentMark, pages})}\n`)
}
