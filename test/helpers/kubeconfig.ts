import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export const TEST_SERVER = 'https://k8s.test:6443'
export const TEST_TOKEN = 'test-token-must-never-be-printed'

/** A kubeconfig fixture pointing at a server only nock answers; tests never read the developer's own. */
export function writeKubeconfig(options: {namespace?: string; server?: string; extraContexts?: string[]} = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'netdiag-kc-'))
  const path = join(dir, 'config')
  const contexts = ['test', ...(options.extraContexts ?? [])]
    .map(
      (name) => `- name: ${name}
  context:
    cluster: test
    user: test${name === 'test' && options.namespace ? `\n    namespace: ${options.namespace}` : ''}`,
    )
    .join('\n')
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
current-context: test
clusters:
- name: test
  cluster:
    server: ${options.server ?? TEST_SERVER}
    insecure-skip-tls-verify: true
users:
- name: test
  user:
    token: ${TEST_TOKEN}
contexts:
${contexts}
`,
  )
  return path
}
