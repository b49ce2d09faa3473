// netdiag-web: a tiny HTTP server for e2e test backends.
// Listens on $PORT (or the first argument, or 8080); answers 200 on / and
// /healthz. The body of / names the pod (HOSTNAME) so tests can see which
// backend answered.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	if port == "" {
		port = "8080"
	}
	host, _ := os.Hostname()
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "netdiag-web %s\n", host)
	})
	log.Printf("netdiag-web listening on :%s", port)
	log.Fatal(http.ListenAndServe(":"+port, mux))
}
