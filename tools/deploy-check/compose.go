package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func runCompose(args []string) error {
	var envFiles, files []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--env-file" && i+1 < len(args) {
			envFiles = append(envFiles, args[i+1])
			i++
			continue
		}
		files = append(files, args[i])
	}
	if len(files) == 0 {
		return errors.New("compose: name at least one file")
	}
	options, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(filepath.Dir(files[0])),
		cli.WithOsEnv,
		cli.WithEnvFiles(envFiles...),
		cli.WithDotEnv,
		cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return err
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		return fmt.Errorf("%v: %w", files, err)
	}
	var problems []string
	names := make([]string, 0, len(project.Services))
	for name, service := range project.Services {
		names = append(names, name)
		for _, volume := range service.Volumes {
			if volume.Type != types.VolumeTypeBind {
				continue
			}
			if _, err := os.Stat(volume.Source); err != nil {
				problems = append(problems, fmt.Sprintf("service %s mounts %s, which does not exist", name, volume.Source))
			}
		}
	}
	sort.Strings(names)
	for _, p := range problems {
		fmt.Println("FAIL", p)
	}
	fmt.Printf("compose %v: project %q, %d services (%v), %d problems\n", files, project.Name, len(names), names, len(problems))
	if len(problems) > 0 {
		return fmt.Errorf("%d problems", len(problems))
	}
	return nil
}
