//go:build tools

// This module only pins sigs.k8s.io/kube-network-policies (the SIG Network
// NetworkPolicy implementation, nftables + nfqueue) and its dependencies;
// up.sh builds its command with
//   go build -o netpol sigs.k8s.io/kube-network-policies/cmd
// It is a module of its own so its newer dependencies do not move the
// versions the Kubernetes build in ../kube uses.
package tools

import (
	_ "sigs.k8s.io/kube-network-policies/cmd"
)
