// ociimage writes a single-layer OCI image archive (an OCI image layout in a
// tar) from a root filesystem directory, for `ctr -n k8s.io images import`.
// No registry, no daemon. Every --name becomes an index entry carrying the
// io.containerd.image.name annotation, so one import creates all the names.
//
//	ociimage --rootfs DIR --out FILE.tar --name NAME[,NAME...] \
//	  [--entrypoint JSON-ARRAY] [--cmd JSON-ARRAY] [--env K=V]... [--workdir DIR]
package main

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

type descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    map[string]string `json:"platform,omitempty"`
}

var epoch = time.Unix(0, 0).UTC()

func main() {
	rootfs := flag.String("rootfs", "", "root filesystem directory")
	out := flag.String("out", "", "output archive")
	var names, env multi
	flag.Var(&names, "name", "image name (repeatable, or comma separated)")
	flag.Var(&env, "env", "environment K=V (repeatable)")
	entrypoint := flag.String("entrypoint", "", "JSON array")
	cmd := flag.String("cmd", "", "JSON array")
	workdir := flag.String("workdir", "/", "working directory")
	flag.Parse()
	if *rootfs == "" || *out == "" || len(names) == 0 {
		flag.Usage()
		os.Exit(2)
	}

	// layer
	var layer bytes.Buffer
	if err := writeLayer(&layer, *rootfs); err != nil {
		log.Fatal(err)
	}
	layerDigest := digest(layer.Bytes())

	cfg := map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"created":      epoch.Format(time.RFC3339),
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{layerDigest}},
		"history":      []map[string]any{{"created": epoch.Format(time.RFC3339), "created_by": "netdiag ociimage"}},
	}
	ic := map[string]any{"WorkingDir": *workdir}
	e := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
	e = append(e, env...)
	ic["Env"] = e
	for k, v := range map[string]string{"Entrypoint": *entrypoint, "Cmd": *cmd} {
		if v == "" {
			continue
		}
		var a []string
		if err := json.Unmarshal([]byte(v), &a); err != nil {
			log.Fatalf("%s: %v", k, err)
		}
		ic[k] = a
	}
	cfg["config"] = ic
	cfgBytes, _ := json.Marshal(cfg)

	manifest := map[string]any{
		"schemaVersion": 2,
		"mediaType":     "application/vnd.oci.image.manifest.v1+json",
		"config":        descriptor{MediaType: "application/vnd.oci.image.config.v1+json", Digest: digest(cfgBytes), Size: int64(len(cfgBytes))},
		"layers":        []descriptor{{MediaType: "application/vnd.oci.image.layer.v1.tar", Digest: layerDigest, Size: int64(layer.Len())}},
	}
	manBytes, _ := json.Marshal(manifest)

	var all []string
	for _, n := range names {
		all = append(all, strings.Split(n, ",")...)
	}
	index := map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json"}
	var mds []descriptor
	for _, n := range all {
		tag := n[strings.LastIndex(n, ":")+1:]
		mds = append(mds, descriptor{
			MediaType: "application/vnd.oci.image.manifest.v1+json",
			Digest:    digest(manBytes), Size: int64(len(manBytes)),
			Annotations: map[string]string{"io.containerd.image.name": n, "org.opencontainers.image.ref.name": tag},
			Platform:    map[string]string{"architecture": "amd64", "os": "linux"},
		})
	}
	index["manifests"] = mds
	idxBytes, _ := json.Marshal(index)

	f, err := os.Create(*out + ".tmp")
	if err != nil {
		log.Fatal(err)
	}
	tw := tar.NewWriter(f)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), ModTime: epoch, Typeflag: tar.TypeReg}); err != nil {
			log.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			log.Fatal(err)
		}
	}
	add("oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`))
	add("index.json", idxBytes)
	for _, b := range [][]byte{cfgBytes, manBytes, layer.Bytes()} {
		add("blobs/sha256/"+strings.TrimPrefix(digest(b), "sha256:"), b)
	}
	if err := tw.Close(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	if err := os.Rename(*out+".tmp", *out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s\n", *out, strings.Join(all, " "))
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// writeLayer tars dir with root ownership and fixed times; hard links become
// regular files, symlinks are kept as they are.
func writeLayer(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	for _, p := range paths {
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		link := ""
		if fi.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		h, err := tar.FileInfoHeader(fi, link)
		if err != nil {
			return err
		}
		h.Name = rel
		if fi.IsDir() {
			h.Name += "/"
		}
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "root", "root"
		h.ModTime, h.AccessTime, h.ChangeTime = epoch, time.Time{}, time.Time{}
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return tw.Close()
}
