// The bad-input corpus: every way in which a person, a script or a hostile cluster can hand netdiag input it
// cannot use. Each case is run by bad-input-corpus.test.ts, which asserts the error contract (one line on stderr,
// nothing on stdout, the exit code, no stack trace, no raw control character) or, for incomplete input, a report
// that claims no root cause. Add every case you meet.
import nock from 'nock'
import {chmodSync, mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {corednsConfigMap, corednsDeployment, corednsPod, kubeDnsService, kubeDnsSlice} from '../../helpers/dns-fixtures.js'
import {writeTempFile} from '../../helpers/files.js'
import {TEST_SERVER, writeKubeconfig} from '../../helpers/kubeconfig.js'
import {node, pathPod} from '../../helpers/path-fixtures.js'
import {backendPods, endpointSlice, list, namespace, pod, service} from '../../helpers/svc-fixtures.js'

type Json = Record<string, any>

export interface ErrorCase {
  name: string
  /** The command line; a function when it needs files made at run time. */
  argv: () => string[]
  exit: number
  message: RegExp
  env?: Record<string, string | undefined>
  /** API interceptors the case needs (every one must be used). */
  api?: () => nock.Scope
}

export interface IncompleteCase {
  name: string
  argv: () => string[]
  /** Checks that must answer unknown (warn, "unknown: ...", no remediation). */
  unknown: string[]
}

const HOW = 'create one with: kubectl netdiag snapshot > cluster\\.json'
const file = (text: string, name = 'cluster.json') => writeTempFile(name, text)
const snap = (...items: unknown[]) => file(JSON.stringify(list('List', items)))
const dir = () => mkdtempSync(join(tmpdir(), 'netdiag-corpus-'))
const kc = () => writeKubeconfig()
const dns = (snapshot: string, ...more: string[]) => ['dns', '-n', 'shop', '--snapshot', snapshot, '-o', 'json', ...more]
const svc = (snapshot: string, ...more: string[]) => ['svc', 'backend', '-n', 'shop', '--snapshot', snapshot, '-o', 'json', ...more]
const shop = () => [namespace('shop'), namespace('kube-system')]

function kubeconfigText(parts: {context?: Json; cluster?: Json; user?: Json; current?: string}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': parts.current ?? 'test',
    clusters: [{name: 'test', cluster: {server: TEST_SERVER, 'insecure-skip-tls-verify': true, ...parts.cluster}}],
    users: [{name: 'test', user: parts.user ?? {token: 'x'}}],
    contexts: [{name: 'test', context: {cluster: 'test', user: 'test', ...parts.context}}],
  })
}

function serviceWith(spec: Json): Json {
  const s = service() as Json
  return {...s, spec: {...s.spec, ...spec}}
}

function healthyDnsObjects(): unknown[] {
  const pods = [corednsPod(0), corednsPod(1)]
  return [corednsDeployment(), ...pods, kubeDnsService(), kubeDnsSlice(pods), corednsConfigMap()]
}

const version = () => nock(TEST_SERVER).get('/version').reply(200, {gitVersion: 'v1.32.2'})

// ---- snapshot files -------------------------------------------------------------------------------------------

const snapshotCases: ErrorCase[] = [
  {name: 'a missing file', argv: () => dns('/nonexistent/cluster.json'), exit: 2, message: new RegExp(`^cannot read snapshot /nonexistent/cluster\\.json: no such file; ${HOW}$`)},
  {name: 'a directory', argv: () => dns(dir()), exit: 2, message: /^snapshot \S+ is a directory, not a file: pass the snapshot file itself$/},
  {name: '/dev/zero', argv: () => dns('/dev/zero'), exit: 2, message: new RegExp(`^snapshot /dev/zero is a device, not a snapshot file; ${HOW}$`)},
  {name: '/dev/null', argv: () => dns('/dev/null'), exit: 2, message: /^snapshot \/dev\/null is a device, not a snapshot file/},
  {name: '/dev/urandom', argv: () => dns('/dev/urandom'), exit: 2, message: /^snapshot \/dev\/urandom is a device/},
  {name: 'YAML with apiVersion first', argv: () => dns(file('apiVersion: v1\nkind: List\nitems: []\n')), exit: 2, message: /^snapshot \S+ is YAML; YAML is not read: use -o json/},
  {name: 'YAML with a document marker', argv: () => dns(file('---\nkind: Pod\n')), exit: 2, message: /is YAML; YAML is not read: use -o json/},
  {name: 'YAML after comments', argv: () => dns(file('# kubectl get pods -o yaml\n\nkind: List\n')), exit: 2, message: /is YAML; YAML is not read/},
  {name: 'YAML starting with items', argv: () => dns(file('items:\n- kind: Pod\n')), exit: 2, message: /is YAML; YAML is not read/},
  {name: 'YAML starting with metadata', argv: () => dns(file('metadata:\n  name: x\n')), exit: 2, message: /is YAML; YAML is not read/},
  {name: 'an empty file', argv: () => dns(file('')), exit: 2, message: new RegExp(`^snapshot \\S+ is empty; ${HOW}$`)},
  {name: 'whitespace only', argv: () => dns(file(' \n\t\n'.repeat(1000))), exit: 2, message: /^snapshot \S+ is empty/},
  {name: 'plain text', argv: () => dns(file('hello\n')), exit: 2, message: /^snapshot \S+ is not valid JSON \(line 1: unexpected "h" between documents\)/},
  {name: 'truncated JSON', argv: () => dns(file('{"kind":"List","items":[{"kind":"Pod"')), exit: 2, message: /is not valid JSON \(line 1: unexpected end of file \(truncated\?\)\)/},
  {name: 'a JSON array', argv: () => dns(file('[{"kind":"Pod"}]')), exit: 2, message: /holds a JSON value that is not a Kubernetes object or List/},
  {name: 'a JSON number', argv: () => dns(file('42')), exit: 2, message: /is not valid JSON|holds a JSON value that is not a Kubernetes object or List/},
  {name: 'a JSON string', argv: () => dns(file('"cluster"')), exit: 2, message: /holds a JSON value that is not a Kubernetes object or List/},
  {name: 'JSON null', argv: () => dns(file('null')), exit: 2, message: /holds a JSON value that is not a Kubernetes object or List/},
  {name: 'a kubeconfig', argv: () => dns(file(kubeconfigText({}))), exit: 2, message: /holds a Config, not a Kubernetes List of the objects netdiag reads/},
  {name: 'a single Secret', argv: () => dns(file(JSON.stringify({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, data: {k: 'dg=='}}))), exit: 2, message: /holds a Secret, not a Kubernetes List/},
  {name: 'a List without items', argv: () => dns(file('{"apiVersion":"v1","kind":"List"}')), exit: 2, message: /List has no "items" array/},
  {name: 'a List whose items is an object', argv: () => dns(file('{"apiVersion":"v1","kind":"List","items":{}}')), exit: 2, message: /List has no "items" array/},
  {name: 'an item without kind', argv: () => dns(file('{"kind":"List","items":[{"metadata":{"name":"a"}}]}')), exit: 2, message: /holds an object without "kind"/},
  {name: 'an item that is a number', argv: () => dns(file('{"kind":"List","items":[1]}')), exit: 2, message: /holds a JSON value that is not a Kubernetes object or List/},
  {name: 'a bad escape in a name', argv: () => dns(file('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a\\x"}}]}')), exit: 2, message: /is not valid JSON/},
  {name: 'mismatched brackets', argv: () => dns(file('{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"x":[1}]}')), exit: 2, message: /is not valid JSON/},
  // dns.pods reads kube-system's pods once the snapshot holds the CoreDNS Deployment there.
  {name: 'a malformed object inside a List, found when read', argv: () => dns(file(`{"kind":"List","items":[${JSON.stringify(namespace('shop'))},${JSON.stringify(corednsDeployment())},{"kind":"Pod","metadata":{"name":"coredns-1","namespace":"kube-system"},"spec":{"containers":[1,]}}]}`)), exit: 2, message: /is not valid JSON \(line 1:/},
  {name: 'raw control characters between documents', argv: () => dns(file('{"kind":"List","items":[]}\u001b]0;pwned\u0007')), exit: 2, message: /is not valid JSON \(line 1: unbalanced closing bracket\)/},
  {name: 'binary garbage', argv: () => dns(file('\u0000\u0001\u0002\u001b[2J')), exit: 2, message: /is not valid JSON/},
  {name: 'nesting deeper than the API server accepts, inside a List', argv: () => dns(file(`{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"a"},"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}]}`)), exit: 2, message: /^snapshot \S+ nests deeper than 10000 levels: it is not a Kubernetes List/},
  {name: 'nesting deeper than the API server accepts, bare', argv: () => dns(file('['.repeat(50_000))), exit: 2, message: /^snapshot \S+ nests deeper than 10000 levels/},
  {name: 'a name longer than any Kubernetes name', argv: () => dns(file(`{"kind":"List","items":[{"kind":"Pod","metadata":{"name":"${'a'.repeat(5000)}"}}]}`)), exit: 2, message: /^snapshot \S+ holds a metadata\.name longer than any Kubernetes name \(253 characters\)/},
  {name: 'over --snapshot-max-size', argv: () => dns(snap(...shop()), '--snapshot-max-size', '100'), exit: 2, message: /^snapshot \S+ is \d+ bytes, over the 100 bytes limit: raise it with --snapshot-max-size 1Gi/},
  {name: 'an invalid --snapshot-max-size', argv: () => dns(snap(...shop()), '--snapshot-max-size', 'lots'), exit: 2, message: /^invalid --snapshot-max-size "lots": use a size such as 512Mi or 2Gi$/},
  {name: 'an object larger than etcd allows', argv: () => dns(snap(namespace('shop'), {...pod({name: 'big'}), spec: {containers: [{name: 'a', image: 'x'.repeat(9 * 2 ** 20)}]}})), exit: 2, message: /^snapshot \S+: Pod shop\/big is 9 MiB, larger than any Kubernetes object can be/},
  {
    name: 'the same object with different content in two files',
    argv: () => dns(snap(...shop(), corednsDeployment({ready: 2})), '--snapshot', snap(...shop(), corednsDeployment({ready: 0}))),
    exit: 2,
    message: /^Deployment kube-system\/coredns appears in \S+ and in \S+ with different content: pass one capture of it$/,
  },
  {
    name: 'the same object twice in one file, different content',
    argv: () => dns(file([JSON.stringify(list('List', shop())), JSON.stringify(list('List', [namespace('shop', {team: 'a'})]))].join('\n'))),
    exit: 2,
    message: /^Namespace shop appears twice in \S+ with different content/,
  },
  {
    name: 'a recreated object (another uid) in two files',
    argv: () => dns(snap(...shop(), service()), '--snapshot', snap(...shop(), {...service(), metadata: {...(service() as Json).metadata, uid: 'other-uid'}})),
    exit: 2,
    message: /^Service shop\/backend appears in \S+ and in \S+ with different content \(uid \S+ and other-uid: recreated between captures\?\)/,
  },
  {name: 'a Service whose ports are not a list', argv: () => svc(snap(...shop(), serviceWith({ports: {name: 'http', port: 80}}))), exit: 2, message: /^Service shop\/backend spec\.ports: is not a list \(got an object\)$/},
  {name: 'a Service port that is not a number', argv: () => svc(snap(...shop(), serviceWith({ports: [{name: 'http', port: 'eighty'}]}))), exit: 2, message: /^Service shop\/backend spec\.ports\[0\]\.port: is not a port number 1-65535 \(got string "eighty"\)$/},
  {name: 'a Service port out of range', argv: () => svc(snap(...shop(), serviceWith({ports: [{port: 70000}]}))), exit: 2, message: /^Service shop\/backend spec\.ports\[0\]\.port: is not a port number 1-65535/},
  {name: 'a Service selector value that is not a valid label value', argv: () => svc(snap(...shop(), serviceWith({selector: {app: 'back end!'}}))), exit: 2, message: /^Service shop\/backend spec\.selector\.app: "back end!" is not a valid label value/},
  {name: 'a Service selector value that is not a string', argv: () => svc(snap(...shop(), serviceWith({selector: {app: 7}}))), exit: 2, message: /^Service shop\/backend spec\.selector\.app: is not a string \(got number 7\)$/},
  {name: 'a Service selector that is a list', argv: () => svc(snap(...shop(), serviceWith({selector: ['app=backend']}))), exit: 2, message: /^Service shop\/backend spec\.selector: is not an object \(got a list\)$/},
  {name: 'a Service spec that is a string', argv: () => svc(snap(...shop(), {...service(), spec: 'ClusterIP'})), exit: 2, message: /^Service shop\/backend spec: is not an object/},
  {name: 'a pod label key that is not a label key', argv: () => svc(snap(...shop(), service(), {...pod({name: 'web-1'}), metadata: {name: 'web-1', namespace: 'shop', labels: {'bad key': 'x'}}})), exit: 2, message: /^Pod shop\/web-1 metadata\.labels: "bad key" is not a valid label key$/},
  {name: 'a pod whose containers are not a list', argv: () => svc(snap(...shop(), service(), {...pod({name: 'web-1'}), spec: {containers: {name: 'app'}}})), exit: 2, message: /^Pod shop\/web-1 spec\.containers: is not a list/},
  {name: 'an EndpointSlice whose addresses are a string', argv: () => svc(snap(...shop(), service(), ...backendPods(), {...endpointSlice(backendPods()), endpoints: [{addresses: '10.244.1.5'}]})), exit: 2, message: /^EndpointSlice shop\/\S+ endpoints\[0\]\.addresses: is not a list/},
  {name: 'a CoreDNS Deployment selector that is a string', argv: () => dns(snap(...shop(), corednsPod(0), {...corednsDeployment(), spec: {...(corednsDeployment() as Json).spec, selector: 'k8s-app=kube-dns'}})), exit: 2, message: /^Deployment kube-system\/coredns spec\.selector: is not an object/},
  {name: 'a ConfigMap value that is not a string', argv: () => dns(snap(...shop(), ...healthyDnsObjects().slice(0, 4), {...corednsConfigMap(), data: {Corefile: 53}})), exit: 2, message: /^ConfigMap kube-system\/coredns data\.Corefile: is not a string/},
  {name: 'an object name carrying escape sequences', argv: () => ['svc', 'backend', '-n', 'shop', '--snapshot', snap(namespace('shop'), {...service(), metadata: {name: 'backend', namespace: 'shop', labels: {'\u001b]0;x': 'a'}}})], exit: 2, message: /^Service shop\/backend metadata\.labels: "\\u001b\]0;x" is not a valid label key$/},
  {name: 'an unknown namespace', argv: () => ['dns', '-n', 'nope', '--snapshot', snap(...shop())], exit: 2, message: /^namespace "nope" not found in the snapshot, which holds namespaces kube-system, shop$/},
  {name: 'an unknown --from-pod', argv: () => dns(snap(...shop()), '--from-pod', 'web-1'), exit: 2, message: /^pod "web-1" not found in namespace shop in the snapshot, which holds no pods in namespace shop$/},
  {name: 'an unknown node', argv: () => ['node', 'node/kind-worker9', '--snapshot', snap(node({name: 'kind-worker'})), '-o', 'json'], exit: 2, message: /^node "kind-worker9" not found in the snapshot, which holds nodes kind-worker$/},
  {name: 'no nodes at all for node', argv: () => ['node', '--snapshot', snap(...shop()), '-o', 'json'], exit: 2, message: /^no nodes in the snapshot: nothing to diagnose$/},
  {name: 'a pod of path missing', argv: () => ['path', 'shop/a', 'shop/b', '--snapshot', snap(...shop()), '-o', 'json'], exit: 2, message: /^pod "a" not found in namespace shop in the snapshot, which holds no pods in namespace shop$/},
]

// ---- flags, arguments, commands -------------------------------------------------------------------------------

const any = () => snap(...shop())
const flagCases: ErrorCase[] = [
  ...['dns', 'node', 'cleanup', 'snapshot'].map((c): ErrorCase => ({name: `${c}: an unknown flag`, argv: () => [c, '--bogus'], exit: 2, message: new RegExp(`^unknown flag: --bogus; see kubectl netdiag ${c} --help$`)})),
  {name: 'svc: an unknown flag', argv: () => ['svc', 'backend', '--bogus'], exit: 2, message: /^unknown flag: --bogus; see kubectl netdiag svc --help$/},
  {name: 'path: an unknown flag', argv: () => ['path', 'a', 'b', '--bogus'], exit: 2, message: /^unknown flag: --bogus; see kubectl netdiag path --help$/},
  {name: 'a mistyped flag gets a suggestion', argv: () => ['dns', '--namepsace', 'shop'], exit: 2, message: /^unknown flag: --namepsace \(did you mean --namespace\?\); see kubectl netdiag dns --help$/},
  {name: 'a mistyped --snapshot', argv: () => ['dns', '--snapshto', 'x.json'], exit: 2, message: /^unknown flag: --snapshto \(did you mean --snapshot\?\)/},
  {name: 'svc without NAME', argv: () => ['svc'], exit: 2, message: /^missing argument NAME; see kubectl netdiag svc --help$/},
  {name: 'path without pods', argv: () => ['path'], exit: 2, message: /^missing arguments PODA PODB; see kubectl netdiag path --help$/},
  {name: 'path with one pod', argv: () => ['path', 'a'], exit: 2, message: /^missing argument PODB; see kubectl netdiag path --help$/},
  {name: 'dns with an argument', argv: () => ['dns', 'shop'], exit: 2, message: /^unexpected argument "shop"; see kubectl netdiag dns --help$/},
  {name: 'svc with two names', argv: () => ['svc', 'a', 'b'], exit: 2, message: /^unexpected argument "b"; see kubectl netdiag svc --help$/},
  {name: 'node with two nodes', argv: () => ['node', 'a', 'b'], exit: 2, message: /^unexpected argument "b"/},
  ...['dns', 'node'].map((c): ErrorCase => ({name: `${c}: -o xml`, argv: () => [c, '-o', 'xml'], exit: 2, message: /^invalid value "xml" for --output: use one of table, json, yaml, junit$/})),
  {name: 'cleanup: -o yaml', argv: () => ['cleanup', '-o', 'yaml'], exit: 2, message: /^invalid value "yaml" for --output: use one of table, json$/},
  {name: '--fail-on never', argv: () => ['dns', '--fail-on', 'never'], exit: 2, message: /^invalid value "never" for --fail-on: use one of warn, fail$/},
  {name: '--probe-mode host', argv: () => ['path', 'a', 'b', '--probe-mode', 'host'], exit: 2, message: /^invalid value "host" for --probe-mode: use one of ephemeral, pod$/},
  {name: '-o without a value', argv: () => ['dns', '-o'], exit: 2, message: /^Flag --output expects one of these values: table, json, yaml, junit; see kubectl netdiag dns --help$/},
  {name: '--timeout 10x', argv: () => dns(any(), '--timeout', '10x'), exit: 2, message: /^invalid --timeout "10x": use a duration such as 30s, 2m or 1m30s$/},
  {name: '--timeout 0', argv: () => ['dns', '--kubeconfig', kc(), '--timeout', '0'], exit: 2, message: /^invalid --timeout "0"/},
  {name: '--timeout too large for a timer', argv: () => ['dns', '--kubeconfig', kc(), '--timeout', '999999h'], exit: 2, message: /^invalid --timeout "999999h": at most 596h \(about 24 days\)$/},
  {name: '--timeout negative', argv: () => ['dns', '--kubeconfig', kc(), '--timeout=-5s'], exit: 2, message: /^invalid --timeout "-5s"/},
  {name: '--request-timeout bad', argv: () => ['dns', '--kubeconfig', kc(), '--request-timeout', 'soon'], exit: 2, message: /^invalid --request-timeout "soon"/},
  {name: '-v not a number', argv: () => ['dns', '-v', 'loud'], exit: 2, message: /Expected an integer but received: loud/},
  {name: '-v too high', argv: () => ['dns', '-v', '11'], exit: 2, message: /less than or equal to 10/},
  {name: 'an invalid Service name', argv: () => ['svc', 'Back_End'], exit: 2, message: /^invalid Service name "Back_End": a Service name is a lowercase DNS label/},
  {name: 'a DNS name for a Service', argv: () => ['svc', 'backend.shop.svc.cluster.local'], exit: 2, message: /^"backend\.shop\.svc\.cluster\.local" is a DNS name, not a Service name: run kubectl netdiag svc backend -n shop$/},
  {name: 'svc/NS/NAME', argv: () => ['svc', 'svc/shop/backend'], exit: 2, message: /^"svc\/shop\/backend" is not a Service: use NAME, svc\/NAME or NAMESPACE\/NAME/},
  {name: 'an invalid namespace in NS/NAME', argv: () => ['svc', 'Shop/backend'], exit: 2, message: /^"Shop" in "Shop\/backend" is not a valid namespace name$/},
  {name: 'an invalid node name', argv: () => ['node', 'node/Kind_Worker'], exit: 2, message: /^invalid node name "node\/Kind_Worker": use NAME or node\/NAME$/},
  {name: 'path pod/NS/NAME', argv: () => ['path', 'pod/shop/web', 'db-0', '--snapshot', any()], exit: 2, message: /is not a pod: use NAME, NAMESPACE\/NAME or pod\/NAME/},
  {name: 'path --port 99999', argv: () => ['path', 'web', 'db-0', '--snapshot', any(), '--port', '99999'], exit: 2, message: /a port is 1-65535/},
  {name: 'an invalid --from-pod reference', argv: () => dns(any(), '--from-pod', 'a/b/c'), exit: 2, message: /^"a\/b\/c" is not a pod: use NAME, NAMESPACE\/NAME or pod\/NAME/},
  {name: 'a repeatable flag does not swallow the positional after it', argv: () => ['path', '--port', '80', 'a'], exit: 2, message: /^missing argument PODB/},
]

// ---- kubeconfig -----------------------------------------------------------------------------------------------

const kubeconfigCases: ErrorCase[] = [
  {name: '--kubeconfig naming a missing file', argv: () => ['dns', '--kubeconfig', '/nonexistent/config'], exit: 3, message: /^kubeconfig file \/nonexistent\/config does not exist \(from --kubeconfig\)$/},
  {name: '--kubeconfig naming a directory', argv: () => ['dns', '--kubeconfig', dir()], exit: 3, message: /^kubeconfig \S+ is a directory, not a file$/},
  {name: 'an empty kubeconfig', argv: () => ['dns', '--kubeconfig', file('', 'config')], exit: 3, message: /^kubeconfig \S+ is empty/},
  {name: 'a kubeconfig that is not YAML', argv: () => ['dns', '--kubeconfig', file('clusters: [unclosed', 'config')], exit: 3, message: /^cannot read kubeconfig \S+:/},
  {name: 'KUBECONFIG naming missing files', argv: () => ['dns'], env: {KUBECONFIG: '/nonexistent/a:/nonexistent/b', HOME: '/nonexistent-home'}, exit: 3, message: /^no kubeconfig found \(looked at KUBECONFIG=\/nonexistent\/a:\/nonexistent\/b\)/},
  {name: 'no current context', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({current: ''}), 'config')], exit: 3, message: /^the kubeconfig has no current context: pass --context, or run kubectl config use-context NAME$/},
  {name: 'current-context naming a missing context', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({current: 'prod'}), 'config')], exit: 3, message: /^current-context "prod" of \S+ names no context there \(available: test\): run kubectl config use-context NAME, or pass --context$/},
  {name: '--context naming a missing context', argv: () => ['dns', '--kubeconfig', kc(), '--context', 'prod'], exit: 3, message: /^context "prod" not found in kubeconfig; available: test/},
  {name: 'a context naming a missing cluster', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({context: {cluster: 'gone'}}), 'config')], exit: 3, message: /^context "test" names cluster "gone", which \S+ does not define \(see kubectl config get-clusters\)$/},
  {name: 'a context naming a missing user', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({context: {user: 'nobody'}}), 'config')], exit: 3, message: /^context "test" names user "nobody", which \S+ does not define/},
  {name: 'a missing certificate-authority file', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({cluster: {'insecure-skip-tls-verify': undefined, 'certificate-authority': '/nonexistent/ca.crt'}}), 'config')], exit: 3, message: /^certificate-authority \/nonexistent\/ca\.crt of cluster "test" does not exist$/},
  {name: 'a missing client certificate', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({user: {'client-certificate': '/nonexistent/c.crt', 'client-key': '/nonexistent/c.key'}}), 'config')], exit: 3, message: /^client-certificate \/nonexistent\/c\.crt of user "test" does not exist$/},
  {name: 'a missing token-file', argv: () => ['dns', '--kubeconfig', file(kubeconfigText({user: {'token-file': '/nonexistent/token'}}), 'config')], exit: 3, message: /names \/nonexistent\/token, which does not exist \(a token-file\?\)$/},
  {
    name: 'an exec plugin that is not installed, with its install hint',
    argv: () => ['dns', '--kubeconfig', file(kubeconfigText({user: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: 'gke-gcloud-auth-plugin-nope', installHint: 'Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin', interactiveMode: 'Never'}}}), 'config')],
    exit: 3,
    message: /^exec credential plugin "gke-gcloud-auth-plugin-nope" of user "test" is not installed \(not found on PATH\): Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin$/,
  },
  {
    name: 'an exec plugin that fails',
    argv: () => {
      const script = file('#!/bin/sh\necho "error: token expired, run: login --sso" >&2\nexit 1\n', 'plugin.sh')
      chmodSync(script, 0o755)
      return ['dns', '--kubeconfig', file(kubeconfigText({user: {exec: {apiVersion: 'client.authentication.k8s.io/v1', command: script, interactiveMode: 'Never'}}}), 'config')]
    },
    exit: 3,
    message: /^exec credential plugin "\S+plugin\.sh" failed: error: token expired, run: login --sso; run it by hand to see why \(often: log in again\)$/,
  },
  {name: '--kubeconfig with a bad --snapshot: the snapshot error alone', argv: () => ['dns', '--kubeconfig', kc(), '--snapshot', '/nonexistent.json'], exit: 2, message: /^cannot read snapshot/},
]

// ---- API responses --------------------------------------------------------------------------------------------

const live = (...more: string[]) => () => ['dns', '-n', 'shop', '--kubeconfig', kc(), '-o', 'json', ...more]
const apiCases: ErrorCase[] = [
  {name: '401 on the first call', argv: live(), api: () => nock(TEST_SERVER).get('/version').reply(401, ''), exit: 3, message: /^the API server rejected our credentials \(401 Unauthorized\) while trying to get version/},
  {name: 'connection refused', argv: live(), api: () => nock(TEST_SERVER).get('/version').replyWithError(Object.assign(new Error('connect ECONNREFUSED'), {code: 'ECONNREFUSED'})), exit: 3, message: /^cannot reach https:\/\/k8s\.test:6443 \(ECONNREFUSED\)/},
  {name: 'DNS failure for the server name', argv: live(), api: () => nock(TEST_SERVER).get('/version').replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), {code: 'ENOTFOUND'})), exit: 3, message: /^cannot reach \S+ \(ENOTFOUND\)/},
  {name: 'an expired certificate', argv: live(), api: () => nock(TEST_SERVER).get('/version').replyWithError(Object.assign(new Error('certificate has expired'), {code: 'CERT_HAS_EXPIRED'})), exit: 3, message: /^TLS error talking to \S+ \(CERT_HAS_EXPIRED\)/},
  {name: 'a 500 with a Status', argv: live(), api: () => nock(TEST_SERVER).get('/version').reply(500, {kind: 'Status', reason: 'InternalError', message: 'etcd is down'}), exit: 3, message: /^failed to get version: 500 InternalError etcd is down$/},
  {name: 'a 503 from a proxy with an HTML body', argv: live(), api: () => nock(TEST_SERVER).get('/version').reply(503, '<html><body>\n<h1>503</h1></body></html>'), exit: 3, message: /^failed to get version: 503$/},
  {name: 'a 200 that is not JSON', argv: live(), api: () => nock(TEST_SERVER).get('/version').reply(200, '<html>login</html>'), exit: 3, message: /^failed to get version: /},
  {name: 'a 504 gateway timeout', argv: live(), api: () => nock(TEST_SERVER).get('/version').reply(504, ''), exit: 3, message: /^the API server timed out trying to get version \(504\)/},
  {name: 'a silent API server and --request-timeout 1s', argv: live('--request-timeout', '1s'), api: () => nock(TEST_SERVER).get('/version').delay(3000).reply(200, {}), exit: 3, message: /^the API server did not answer within 1s to get version: it is overloaded or unreachable$/},
  {name: 'an unknown namespace, live', argv: live(), api: () => version().get('/api/v1/namespaces/shop').reply(404, {kind: 'Status', reason: 'NotFound', details: {name: 'shop', kind: 'namespaces'}}), exit: 2, message: /^namespace "shop" not found; list them with: kubectl get namespaces$/},
  {name: '403 reading the namespace', argv: live(), api: () => version().get('/api/v1/namespaces/shop').reply(403, {kind: 'Status', reason: 'Forbidden', message: 'namespaces "shop" is forbidden: User "dev" cannot get resource "namespaces"'}), exit: 3, message: /^forbidden: cannot get namespaces\/shop \(403\): ask for RBAC permission to get namespaces/},
  {name: 'an unknown --from-pod in another namespace, live', argv: live('--from-pod', 'payments/api-0'), api: () => version().get('/api/v1/namespaces/shop').reply(200, namespace('shop')).get('/api/v1/namespaces/payments').reply(200, namespace('payments')).get('/api/v1/namespaces/payments/pods/api-0').reply(404, {kind: 'Status', reason: 'NotFound'}), exit: 2, message: /^pod "api-0" not found in namespace payments; list them with: kubectl get pods -n payments$/},
  {name: 'an unknown node, live', argv: () => ['node', 'node/kind-worker9', '--kubeconfig', kc(), '-o', 'json'], api: () => version().get('/api/v1/nodes/kind-worker9').reply(404, {kind: 'Status', reason: 'NotFound'}), exit: 2, message: /^node "kind-worker9" not found; list them with: kubectl get nodes$/},
  {name: 'an unknown Service namespace via NS/NAME, live', argv: () => ['svc', 'nope/backend', '--kubeconfig', kc(), '-o', 'json'], api: () => version().get('/api/v1/namespaces/nope').reply(404, {kind: 'Status', reason: 'NotFound'}), exit: 2, message: /^namespace "nope" not found; list them with: kubectl get namespaces$/},
]

export const ERROR_CASES: Array<ErrorCase & {group: string}> = [
  ...snapshotCases.map((c) => ({...c, group: 'snapshot'})),
  ...flagCases.map((c) => ({...c, group: 'flags'})),
  ...kubeconfigCases.map((c) => ({...c, group: 'kubeconfig'})),
  ...apiCases.map((c) => ({...c, group: 'api'})),
]

// ---- incomplete input: unknown, never wrong -------------------------------------------------------------------

export const INCOMPLETE_CASES: IncompleteCase[] = [
  {name: 'dns: a snapshot of one namespace only (no kube-system)', argv: () => dns(snap(namespace('shop'), pod({name: 'web-1'}))), unknown: ['dns.pods', 'dns.service', 'dns.endpoints', 'dns.corefile', 'dns.nodelocal']},
  {name: 'dns: kubectl get pods -n shop output, without Namespace objects', argv: () => dns(file(JSON.stringify(list('PodList', [pod({name: 'web-1'})])))), unknown: ['dns.pods', 'dns.service']},
  {name: 'dns: kube-system pods but no Services or ConfigMaps there', argv: () => dns(snap(...shop(), corednsDeployment(), corednsPod(0), corednsPod(1))), unknown: ['dns.service', 'dns.endpoints', 'dns.corefile']},
  {name: 'dns: kube-system Services but no pods there', argv: () => dns(snap(...shop(), kubeDnsService())), unknown: ['dns.pods', 'dns.endpoints']},
  {name: 'svc: Service and pods, no EndpointSlices, no kube-system', argv: () => svc(snap(namespace('shop'), service(), ...backendPods())), unknown: ['svc.endpoints', 'svc.kube-proxy']},
  {name: 'svc: only the Service', argv: () => svc(snap(namespace('shop'), service())), unknown: ['svc.selector']},
  {name: 'path: two pods and no Node objects', argv: () => ['path', 'shop/web-1', 'shop/db-0', '--snapshot', snap(namespace('shop'), pathPod({name: 'web-1'}), pathPod({name: 'db-0', node: 'kind-worker2'})), '-o', 'json'], unknown: ['path.nodes']},
  // No NetworkPolicy objects at all (`kubectl get pods,services -A -o json`): "no policies" would be a guess.
  {name: 'dns: pods and Services, but no NetworkPolicies captured', argv: () => dns(snap(...shop(), corednsDeployment(), corednsPod(0), corednsPod(1), kubeDnsService(), pod({name: 'web-1'}))), unknown: ['dns.policy']},
  {name: 'svc: no NetworkPolicies captured', argv: () => svc(snap(namespace('shop'), service(), ...backendPods())), unknown: ['svc.policy']},
  {name: 'path: no NetworkPolicies captured', argv: () => ['path', 'shop/web-1', 'shop/db-0', '--snapshot', snap(namespace('shop'), pathPod({name: 'web-1'}), pathPod({name: 'db-0', node: 'kind-worker2'})), '-o', 'json'], unknown: ['path.policy']},
  {name: 'node: nodes but no DaemonSets or kube-system pods', argv: () => ['node', '--snapshot', snap(node({name: 'kind-worker'})), '-o', 'json'], unknown: ['node.cni', 'node.kube-proxy']},
]
