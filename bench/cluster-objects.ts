// Objects the fixtures have no builder for: Deployments, cloud-looking Nodes, Calico, hostNetwork agent pods.
import {node} from '../test/helpers/path-fixtures.js'
import {pod} from '../test/helpers/svc-fixtures.js'
import type {Ids} from './random.js'
import type {App, SnapshotScale} from './snapshot-generator.js'
import {controlPlaneCount, nodeIp, nodeName, podCidr} from './topology.js'

type Json = Record<string, any>

export function deployment(app: Pick<App, 'namespace' | 'name' | 'labels' | 'replicas' | 'image' | 'ports'>, hash: string, ready: number): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: app.name, namespace: app.namespace, generation: 1, labels: {...app.labels}, annotations: {'deployment.kubernetes.io/revision': '1'}},
    spec: {
      replicas: app.replicas,
      selector: {matchLabels: {...app.labels}},
      strategy: {type: 'RollingUpdate', rollingUpdate: {maxSurge: '25%', maxUnavailable: '25%'}},
      template: {metadata: {labels: {...app.labels}}, spec: {containers: [{name: 'app', image: app.image, ports: app.ports}]}},
    },
    status: {
      observedGeneration: 1,
      replicas: app.replicas,
      updatedReplicas: app.replicas,
      readyReplicas: ready,
      availableReplicas: ready,
      ...(ready < app.replicas ? {unavailableReplicas: app.replicas - ready} : {}),
      conditions: [
        {type: 'Available', status: ready > 0 ? 'True' : 'False', reason: ready > 0 ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: 'Deployment has minimum availability.'},
        {type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${app.name}-${hash}" has successfully progressed.`},
      ],
    },
  }
}

export function clusterNode(index: number, scale: SnapshotScale): Json {
  const name = nodeName(index, scale)
  const created = node({name, ip: nodeIp(index), podCIDR: podCidr(index), annotations: {'node.alpha.kubernetes.io/ttl': '0', 'projectcalico.org/IPv4Address': `${nodeIp(index)}/16`, 'volumes.kubernetes.io/controller-managed-attach-detach': 'true'}}) as Json
  created.metadata.labels = {
    ...created.metadata.labels,
    'kubernetes.io/arch': 'amd64',
    'topology.kubernetes.io/zone': `eu-west-1${'abc'[index % 3]}`,
    ...(index < controlPlaneCount(scale) ? {'node-role.kubernetes.io/control-plane': ''} : {}),
  }
  created.spec.providerID = `aws:///eu-west-1${'abc'[index % 3]}/i-${(0x1000000 + index * 7919).toString(16)}`
  if (index < controlPlaneCount(scale)) created.spec.taints = [{key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule'}]
  return created
}

export function calicoDaemonSet(nodes: number): Json {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: {name: 'calico-node', namespace: 'kube-system', generation: 1, labels: {'k8s-app': 'calico-node'}},
    spec: {
      selector: {matchLabels: {'k8s-app': 'calico-node'}},
      template: {
        metadata: {labels: {'k8s-app': 'calico-node'}},
        spec: {
          hostNetwork: true,
          initContainers: [{name: 'install-cni', image: 'docker.io/calico/cni:v3.29.1', command: ['/opt/cni/bin/install']}],
          containers: [{name: 'calico-node', image: 'docker.io/calico/node:v3.29.1', env: [{name: 'CALICO_NETWORKING_BACKEND', value: 'bird'}, {name: 'CALICO_IPV4POOL_IPIP', value: 'Always'}, {name: 'FELIX_IPINIPMTU', value: '1440'}, {name: 'CALICO_IPV4POOL_CIDR', value: '10.244.0.0/14'}]}],
        },
      },
    },
    status: {currentNumberScheduled: nodes, desiredNumberScheduled: nodes, numberAvailable: nodes, numberMisscheduled: 0, numberReady: nodes, observedGeneration: 1, updatedNumberScheduled: nodes},
  }
}

/** A hostNetwork DaemonSet pod (kube-proxy, calico-node) on node `index`. */
export function agentPod(name: string, image: string, index: number, scale: SnapshotScale, ids: Ids): Json {
  const ip = nodeIp(index)
  const labels = {'k8s-app': name, 'controller-revision-hash': '7b8f9d6c5d', 'pod-template-generation': '1'}
  const created = pod({name: `${name}-${ids.suffix(5)}`, namespace: 'kube-system', labels, deployment: null, node: nodeName(index, scale), ip, ports: []}) as Json
  created.metadata.ownerReferences = [{apiVersion: 'apps/v1', kind: 'DaemonSet', name, uid: `ds-${name}-uid`, controller: true, blockOwnerDeletion: true}]
  created.spec.hostNetwork = true
  created.spec.priorityClassName = 'system-node-critical'
  created.spec.containers[0] = {name, image, resources: {}, terminationMessagePath: '/dev/termination-log', imagePullPolicy: 'IfNotPresent', securityContext: {privileged: true}}
  created.status.hostIP = ip
  created.status.containerStatuses[0] = {...created.status.containerStatuses[0], name, image}
  return created
}
