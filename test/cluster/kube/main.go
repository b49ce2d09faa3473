// Multicall binary for the netdiag e2e test cluster: one Go binary holding
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
// kube-proxy. The component is chosen by the name it is invoked as
// (argv[0], e.g. through a symlink) or by the first argument.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	_ "time/tzdata" // for timeZone support in CronJob

	"github.com/spf13/cobra"
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format registration
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric registration

	etcdmain "go.etcd.io/etcd/server/v3/etcdmain"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var commands = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 kubelet.NewKubeletCommand,
	"kube-proxy":              proxy.NewProxyCommand,
}

func main() {
	name := filepath.Base(os.Args[0])
	if name == "etcd" || (len(os.Args) > 1 && os.Args[1] == "etcd") {
		if name != "etcd" {
			os.Args = os.Args[1:]
		}
		etcdmain.Main(os.Args) // exits by itself
		return
	}
	mk, ok := commands[name]
	if !ok && len(os.Args) > 1 {
		if mk, ok = commands[os.Args[1]]; ok {
			// drop the component name so cobra sees only its flags
			os.Args = append([]string{os.Args[1]}, os.Args[2:]...)
		}
	}
	if !ok {
		fmt.Fprintf(os.Stderr, "usage: %s {etcd|kube-apiserver|kube-controller-manager|kube-scheduler|kubelet|kube-proxy} [flags]\n", name)
		os.Exit(2)
	}
	os.Exit(cli.Run(mk()))
}
