// registry: a minimal read-only OCI distribution (v2) server for the
// netdiag e2e cluster, so that image pulls work with no network (e.g.
// imagePullPolicy: Always, the default for ":latest" tags). containerd is
// configured to use it as the only endpoint of docker.io, registry.k8s.io
// and localhost.
//
//	registry -addr 10.250.0.1:5000 -dir DIR image.tar...
//
// Each archive is an OCI image layout in a tar (as written by ociimage);
// every index entry's io.containerd.image.name (registry host dropped) becomes
// a pullable repository:tag. Unknown names answer 404 at once.
package main

import (
	"archive/tar"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

type manifestRef struct {
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
}

var (
	dir   string
	tags  = map[string]manifestRef{} // "repo:tag" -> manifest
	types = map[string]string{}      // manifest digest -> media type
)

// repoOf drops the registry host: docker.io/nicolaka/netshoot -> nicolaka/netshoot
func repoTag(name string) (string, bool) {
	i := strings.LastIndex(name, ":")
	if i < 0 || strings.Contains(name[i:], "/") {
		return "", false
	}
	repo, tag := name[:i], name[i+1:]
	if parts := strings.SplitN(repo, "/", 2); len(parts) == 2 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		repo = parts[1]
	}
	return repo + ":" + tag, true
}

func load(archive string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		switch {
		case strings.HasPrefix(h.Name, "blobs/sha256/"):
			dst := filepath.Join(dir, "sha256:"+strings.TrimPrefix(h.Name, "blobs/sha256/"))
			if _, err := os.Stat(dst); err == nil {
				continue
			}
			out, err := os.Create(dst + ".tmp")
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			out.Close()
			if err := os.Rename(dst+".tmp", dst); err != nil {
				return err
			}
		case h.Name == "index.json":
			var idx struct {
				Manifests []struct {
					manifestRef
					Annotations map[string]string `json:"annotations"`
				} `json:"manifests"`
			}
			if err := json.NewDecoder(tr).Decode(&idx); err != nil {
				return fmt.Errorf("%s: index.json: %v", archive, err)
			}
			for _, m := range idx.Manifests {
				types[m.Digest] = m.MediaType
				if rt, ok := repoTag(m.Annotations["io.containerd.image.name"]); ok {
					tags[rt] = m.manifestRef
					log.Printf("serving %s -> %s", rt, m.Digest)
				}
			}
		}
	}
}

var route = regexp.MustCompile(`^/v2/(.+)/(manifests|blobs)/([^/]+)$`)

func serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "read-only registry", http.StatusMethodNotAllowed)
		return
	}
	if r.URL.Path == "/v2/" || r.URL.Path == "/v2" {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.WriteHeader(http.StatusOK)
		return
	}
	m := route.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r)
		return
	}
	repo, kind, ref := m[1], m[2], m[3]
	digest, mediaType := ref, "application/octet-stream"
	if kind == "manifests" {
		if strings.HasPrefix(ref, "sha256:") {
			t, ok := types[ref]
			if !ok {
				errorJSON(w, "MANIFEST_UNKNOWN", ref)
				return
			}
			mediaType = t
		} else {
			mr, ok := tags[repo+":"+ref]
			if !ok {
				errorJSON(w, "MANIFEST_UNKNOWN", repo+":"+ref)
				return
			}
			digest, mediaType = mr.Digest, mr.MediaType
		}
	}
	if !strings.HasPrefix(digest, "sha256:") || strings.ContainsAny(digest, "/\\") {
		http.NotFound(w, r)
		return
	}
	p := filepath.Join(dir, digest)
	st, err := os.Stat(p)
	if err != nil {
		errorJSON(w, "BLOB_UNKNOWN", digest)
		return
	}
	w.Header().Set("Content-Type", mediaType)
	w.Header().Set("Docker-Content-Digest", digest)
	w.Header().Set("Content-Length", fmt.Sprint(st.Size()))
	if r.Method == http.MethodHead {
		return
	}
	f, err := os.Open(p)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, "", st.ModTime(), f)
}

func errorJSON(w http.ResponseWriter, code, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintf(w, `{"errors":[{"code":%q,"message":"not in the netdiag local registry","detail":%q}]}`, code, detail)
}

func main() {
	addr := flag.String("addr", "127.0.0.1:5000", "listen address")
	flag.StringVar(&dir, "dir", "", "blob directory")
	flag.Parse()
	if dir == "" {
		log.Fatal("-dir is required")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		log.Fatal(err)
	}
	for _, a := range flag.Args() {
		if err := load(a); err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("listening on %s", *addr)
	log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.Printf("%s %s", r.Method, r.URL.Path)
		serve(w, r)
	})))
}
