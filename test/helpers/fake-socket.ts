import {EventEmitter} from 'node:events'

import type {WebSocketInterface} from '../../src/cluster/exec.js'

export interface FakeExecScript {
  stdout?: string
  stderr?: string
  /** The V1Status sent on channel 3; omitted: no status, only a close. */
  status?: Record<string, unknown>
  /** Never answer: lets a test drive the timeout. */
  hang?: boolean
}

/** Stands in for the exec websocket: replays channel frames (already stripped of the channel byte, as WebSocketHandler hands them on). */
export function fakeSocketFactory(script: FakeExecScript, seen: string[] = []): WebSocketInterface & {closed: () => boolean} {
  let closed = false
  return {
    closed: () => closed,
    async connect(path, _text, binary) {
      seen.push(path)
      const socket = new EventEmitter() as EventEmitter & {close(): void}
      socket.close = () => {
        closed = true
        setImmediate(() => socket.emit('close'))
      }
      if (!script.hang) {
        setImmediate(() => {
          if (script.stdout) binary!(1, Buffer.from(script.stdout))
          if (script.stderr) binary!(2, Buffer.from(script.stderr))
          if (script.status) binary!(3, Buffer.from(JSON.stringify(script.status)))
          else socket.close()
        })
      }
      return socket
    },
  }
}
