import type {KubeConfig, V1Status} from '@kubernetes/client-node'
import {Writable} from 'node:stream'

import type {ExecResult} from '../engine/types.js'
import {toNetdiagError} from './api-errors.js'
import {ApiException, Exec} from './k8s.js'

/** Enough of a websocket to end the session and learn that it ended. */
interface SocketLike {
  close(): void
  on(event: 'close' | 'error', listener: (...args: unknown[]) => void): unknown
}

/** client-node's WebSocketInterface (not exported by the package): injectable so tests need no server. */
export interface WebSocketInterface {
  connect(
    path: string,
    textHandler: ((text: string) => boolean) | null,
    binaryHandler: ((stream: number, buff: Buffer) => boolean) | null,
  ): Promise<unknown>
}

export const MAX_OUTPUT = 1024 * 1024

/** Output as it arrives, and a way to end the session early (a batch whose every result is in). */
export interface ExecStream {
  onStdout(chunk: Buffer): void
  signal?: AbortSignal
}

/**
 * Runs a command in a container and resolves when it has exited, the socket closed, or the timeout passed.
 * client-node's Exec.exec() resolves when the websocket opens, and its status callback is not always called,
 * so this waits for whichever end comes first. Output is capped at 1 MiB per stream.
 */
export async function execInContainer(
  target: {kubeConfig: KubeConfig; namespace: string; pod: string; container: string; server?: string},
  command: string[],
  timeoutMs: number,
  socketFactory?: WebSocketInterface,
  stream?: ExecStream,
): Promise<ExecResult> {
  const started = Date.now()
  const stdout = collector(stream?.onStdout)
  const stderr = collector()
  const exec = new Exec(target.kubeConfig, socketFactory as ConstructorParameters<typeof Exec>[1])
  let status: V1Status | undefined
  let finish: (how: 'status' | 'close' | 'timeout' | 'error' | 'stopped') => void = () => {}
  const ended = new Promise<'status' | 'close' | 'timeout' | 'error' | 'stopped'>((resolve) => (finish = resolve))

  let socket: SocketLike
  try {
    socket = (await exec.exec(target.namespace, target.pod, target.container, command, stdout.stream, stderr.stream, null, false, (s) => {
      status = s
      finish('status')
    })) as unknown as SocketLike
  } catch (error) {
    throw toNetdiagError(normalizeHandshakeError(error), {
      verb: 'create',
      resource: 'pods/exec',
      namespace: target.namespace,
      name: target.pod,
      server: target.server,
    })
  }
  socket.on('close', () => finish('close'))
  socket.on('error', () => finish('error'))
  const timer = setTimeout(() => finish('timeout'), timeoutMs)
  const stop = () => finish('stopped')
  if (stream?.signal?.aborted) stop()
  stream?.signal?.addEventListener('abort', stop, {once: true})
  const how = await ended
  clearTimeout(timer)
  stream?.signal?.removeEventListener('abort', stop)
  if (how !== 'close') socket.close()

  return {
    command: command.join(' '),
    exitCode: how === 'timeout' ? 124 : exitCodeOf(status, how),
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut: how === 'timeout',
    durationMs: Date.now() - started,
  }
}

/** V1Status from the exec status channel: Success, or Failure with an ExitCode cause. */
export function exitCodeOf(status: V1Status | undefined, how: string): number {
  if (status?.status === 'Success') return 0
  const cause = status?.details?.causes?.find((c) => c.reason === 'ExitCode')
  if (cause?.message && /^\d+$/.test(cause.message)) return Number(cause.message)
  if (status?.message && /executable file not found|no such file or directory/i.test(status.message)) return 127
  if (status) return 1
  // The socket closed without a status: the container runtime went away, or an old API server.
  return how === 'close' ? 0 : 1
}

function collector(onChunk?: (chunk: Buffer) => void) {
  const chunks: Buffer[] = []
  let size = 0
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      onChunk?.(chunk)
      if (size < MAX_OUTPUT) {
        chunks.push(chunk)
        size += chunk.length
      }
      callback()
    },
  })
  return {stream, text: () => Buffer.concat(chunks).toString('utf8').slice(0, MAX_OUTPUT)}
}

/** ws reports a refused upgrade as "Unexpected server response: 403"; give it the shape of an HTTP error. */
function normalizeHandshakeError(error: unknown): unknown {
  const message = (error as Error)?.message ?? ''
  const match = /Unexpected server response: (\d{3})/.exec(message)
  if (!match) return error
  return new ApiException(Number(match[1]), message, '', {})
}
