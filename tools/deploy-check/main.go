// deploy-check validates Aftershock's deployment files with the reference implementations
// instead of hand-written schemas:
//
//	deploy-check k8s [--allow-kind Kind]... [FILE|-]...
//	    every object of a multi-document YAML stream (`helm template` output) decoded strictly
//	    into the Kubernetes Go types of k8s.io/api (unknown or duplicate fields, wrong types and
//	    unknown kinds are errors), then checked for consistency across objects (selectors match
//	    pod labels, probes name declared ports, HPAs and PDBs point at workloads that exist).
//	deploy-check compose [--env-file FILE] FILE...
//	    Compose files loaded with compose-go, the Compose Specification's reference loader (the
//	    one `docker compose config` uses), with its JSON-schema validation and interpolation,
//	    every profile enabled; bind-mounted files must exist.
//
// Prints one line per finding and a summary; exits 1 when anything is wrong.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "k8s":
		err = runK8s(os.Args[2:])
	case "compose":
		err = runCompose(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deploy-check:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: deploy-check k8s [--allow-kind Kind]... [FILE|-]... | deploy-check compose [--env-file FILE] FILE...")
	os.Exit(2)
}
