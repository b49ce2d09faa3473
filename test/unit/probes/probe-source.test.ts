import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {probeSourceCheck} from '../../../src/checks/probe-source.js'
import type {ClusterView} from '../../../src/cluster/view.js'
import type {CheckContext, ExecResult, ProbeRunner} from '../../../src/engine/types.js'
import {detectToolsScript} from '../../../src/probes/tools.js'

// What the probe container's startup script prints (a Debian-based image): the same lines as the exec detection.
const COMPLETE = 'netdiag-tool dig /usr/bin/dig native\nnetdiag-tool nc /usr/bin/nc native\nnetdiag-tools-end\n'
const PARTIAL = 'netdiag-tool dig /usr/bin/dig native\n'
const BY_EXEC = 'netdiag-tool nslookup /bin/nslookup busybox\nnetdiag-tools-end\n'

function runner(logs: Array<string | undefined> | undefined, execs: string[][]): ProbeRunner {
  return {
    description: 'debug pod shop/netdiag-1 on node-1',
    details: {},
    exec: async (command): Promise<ExecResult> => (execs.push(command), {command: command.join(' '), exitCode: 0, stdout: BY_EXEC, stderr: '', timedOut: false, durationMs: 1}),
    ...(logs ? {startupOutput: async () => logs.shift()} : {}),
  }
}

async function detect(logs: Array<string | undefined> | undefined) {
  const execs: string[][] = []
  const source = runner(logs, execs)
  const ctx = {view: {source: 'live'} as ClusterView, probes: {source: async () => source, node: async () => source}, target: {}, options: {noProbe: false, timeoutMs: 1000}, result: () => undefined, signal: new AbortController().signal} as CheckContext<unknown>
  const result = await probeSourceCheck('dns.probe.source').run(ctx)
  return {result, execs, tools: Object.keys((result.details!.tools as {available: object}).available), by: result.details!.toolsDetectedBy}
}

describe('probe source: tool detection', () => {
  it('reads the startup script output from the log and runs no exec', async () => {
    const {execs, tools, by, result} = await detect([COMPLETE])
    assert.deepEqual([execs.length, tools, by, result.status], [0, ['dig', 'nc'], 'startup-log', 'pass'])
  })

  it('asks the log again once when the script has not finished, before it falls back', async () => {
    const {execs, tools, by} = await detect([PARTIAL, COMPLETE])
    assert.deepEqual([execs.length, tools, by], [0, ['dig', 'nc'], 'startup-log'])
  })

  for (const [what, logs] of [
    ['the log cannot be read (no get on pods/log)', [undefined, undefined]],
    ['the script never finished', [PARTIAL, PARTIAL]],
    ['the source ran no startup script', undefined],
  ] as const) {
    it(`detects by exec when ${what}: a partial list never stands for the image's tools`, async () => {
      const {execs, tools, by} = await detect(logs ? [...logs] : undefined)
      assert.deepEqual([execs.length, tools, by], [1, ['nslookup'], 'exec'])
      assert.equal(execs[0]![2], detectToolsScript())
    })
  }
})
