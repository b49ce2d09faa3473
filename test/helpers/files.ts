import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

/** Writes `text` to a fresh temporary directory as `name` and returns the path. */
export function writeTempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'netdiag-test-')), name)
  writeFileSync(path, text)
  return path
}
