package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/validation"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// A workload's pod template, for matching selectors against.
type workload struct {
	kind, name string
	labels     labels.Set
	ports      map[string]bool // named container ports
}

func newWorkload(kind, name string, template corev1.PodTemplateSpec) workload {
	ports := map[string]bool{}
	for _, container := range template.Spec.Containers {
		for _, port := range container.Ports {
			ports[port.Name] = true
		}
	}
	return workload{kind, name, template.Labels, ports}
}

type checker struct {
	problems  []string
	workloads []workload
	objects   map[string]bool // "Kind/name"
	counts    map[string]int
	skipped   map[string]int
	allowed   map[string]bool
}

func runK8s(args []string) error {
	c := &checker{objects: map[string]bool{}, counts: map[string]int{}, skipped: map[string]int{}, allowed: map[string]bool{}}
	var files []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--allow-kind" && i+1 < len(args) {
			c.allowed[args[i+1]] = true
			i++
			continue
		}
		files = append(files, args[i])
	}
	if len(files) == 0 {
		files = []string{"-"}
	}
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, policyv1.AddToScheme,
		autoscalingv2.AddToScheme, networkingv1.AddToScheme, rbacv1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			return err
		}
	}
	// Strict: unknown fields, duplicate fields and type mismatches are errors, not dropped.
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	var decoded []runtime.Object
	for _, file := range files {
		objects, err := c.decodeFile(file, decoder)
		if err != nil {
			return err
		}
		decoded = append(decoded, objects...)
	}
	for _, obj := range decoded {
		c.collect(obj)
	}
	for _, obj := range decoded {
		c.check(obj)
	}
	for _, p := range c.problems {
		fmt.Println("FAIL", p)
	}
	fmt.Printf("k8s %v: %d objects decoded strictly (%s)%s, %d problems\n",
		files, len(decoded), summary(c.counts), skippedNote(c.skipped), len(c.problems))
	if len(c.problems) > 0 {
		return fmt.Errorf("%d problems", len(c.problems))
	}
	return nil
}

func (c *checker) decodeFile(file string, decoder runtime.Decoder) ([]runtime.Object, error) {
	var in io.Reader = os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var objects []runtime.Object
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objects, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: document %d: %w", file, n, err)
		}
		if isEmpty(doc) {
			continue
		}
		var meta struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Metadata   metav1.ObjectMeta `json:"metadata"`
		}
		if err := sigsyaml.Unmarshal(doc, &meta); err != nil {
			c.fail("%s: document %d: %v", file, n, err)
			continue
		}
		where := fmt.Sprintf("%s/%s (%s document %d)", meta.Kind, meta.Metadata.Name, file, n)
		obj, _, err := decoder.Decode(doc, nil, nil)
		if runtime.IsNotRegisteredError(err) && c.allowed[meta.Kind] {
			c.skipped[meta.Kind]++
			c.checkName(where, meta.Kind, meta.Metadata.Name)
			continue
		}
		if err != nil {
			c.fail("%s: %v", where, err)
			continue
		}
		c.counts[meta.Kind]++
		objects = append(objects, obj)
	}
}

func isEmpty(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		trimmed := strings.TrimSpace(string(line))
		if trimmed != "" && !strings.HasPrefix(trimmed, "#") && trimmed != "---" {
			return false
		}
	}
	return true
}

func (c *checker) fail(format string, args ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// collect records what other objects may point at: workloads and their pod labels, names.
func (c *checker) collect(obj runtime.Object) {
	meta := obj.(metav1.Object)
	kind := kindOf(obj)
	key := kind + "/" + meta.GetName()
	if c.objects[key] {
		c.fail("%s is rendered twice", key)
	}
	c.objects[key] = true
	switch o := obj.(type) {
	case *appsv1.Deployment:
		c.workloads = append(c.workloads, newWorkload(kind, o.Name, o.Spec.Template))
	case *appsv1.StatefulSet:
		c.workloads = append(c.workloads, newWorkload(kind, o.Name, o.Spec.Template))
	case *batchv1.Job:
		c.workloads = append(c.workloads, newWorkload(kind, o.Name, o.Spec.Template))
	}
}

func (c *checker) check(obj runtime.Object) {
	meta := obj.(metav1.Object)
	kind := kindOf(obj)
	where := kind + "/" + meta.GetName()
	c.checkName(where, kind, meta.GetName())
	switch o := obj.(type) {
	case *appsv1.Deployment:
		c.selects(where, o.Spec.Selector, o.Spec.Template.Labels)
		c.podSpec(where, o.Spec.Template.Spec)
	case *appsv1.StatefulSet:
		c.selects(where, o.Spec.Selector, o.Spec.Template.Labels)
		c.podSpec(where, o.Spec.Template.Spec)
		if !c.objects["Service/"+o.Spec.ServiceName] {
			c.fail("%s: serviceName %q is not rendered", where, o.Spec.ServiceName)
		}
	case *batchv1.Job:
		c.podSpec(where, o.Spec.Template.Spec)
	case *corev1.Service:
		if len(o.Spec.Selector) == 0 {
			break
		}
		selector := labels.SelectorFromSet(o.Spec.Selector)
		if !c.anyWorkload(selector, "Job") {
			c.fail("%s: selector %v matches no Deployment or StatefulSet", where, o.Spec.Selector)
		}
		for _, port := range o.Spec.Ports {
			name := port.TargetPort.StrVal
			if name == "" {
				continue
			}
			for _, w := range c.workloads {
				if w.kind != "Job" && selector.Matches(w.labels) && !w.ports[name] {
					c.fail("%s: targetPort %q is not a container port of %s/%s", where, name, w.kind, w.name)
				}
			}
		}
	case *policyv1.PodDisruptionBudget:
		c.matchesWorkload(where, o.Spec.Selector)
	case *networkingv1.NetworkPolicy:
		c.matchesWorkload(where, &o.Spec.PodSelector)
	case *autoscalingv2.HorizontalPodAutoscaler:
		target := o.Spec.ScaleTargetRef.Kind + "/" + o.Spec.ScaleTargetRef.Name
		if !c.objects[target] {
			c.fail("%s: scaleTargetRef %s is not rendered", where, target)
		}
		if o.Spec.MinReplicas != nil && *o.Spec.MinReplicas > o.Spec.MaxReplicas {
			c.fail("%s: minReplicas %d > maxReplicas %d", where, *o.Spec.MinReplicas, o.Spec.MaxReplicas)
		}
	}
}

func (c *checker) checkName(where, kind, name string) {
	errs := validation.IsDNS1123Subdomain(name)
	if kind == "Service" {
		errs = validation.IsDNS1035Label(name)
	}
	for _, e := range errs {
		c.fail("%s: name: %s", where, e)
	}
}

func (c *checker) selects(where string, selector *metav1.LabelSelector, podLabels map[string]string) {
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil || s.Empty() {
		c.fail("%s: selector %v is missing or invalid (%v)", where, selector, err)
		return
	}
	if !s.Matches(labels.Set(podLabels)) {
		c.fail("%s: selector %v does not match its pod labels %v", where, selector, podLabels)
	}
}

func (c *checker) matchesWorkload(where string, selector *metav1.LabelSelector) {
	s, err := metav1.LabelSelectorAsSelector(selector)
	if err != nil {
		c.fail("%s: selector: %v", where, err)
		return
	}
	if !c.anyWorkload(s, "") {
		c.fail("%s: selector %v matches no workload", where, selector)
	}
}

func (c *checker) anyWorkload(s labels.Selector, exceptKind string) bool {
	for _, w := range c.workloads {
		if w.kind != exceptKind && s.Matches(w.labels) {
			return true
		}
	}
	return false
}

// podSpec: every container has an image, and every probe names a port the container declares.
func (c *checker) podSpec(where string, spec corev1.PodSpec) {
	for _, container := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		at := fmt.Sprintf("%s container %s", where, container.Name)
		if container.Image == "" {
			c.fail("%s: no image", at)
		}
		ports := map[string]bool{}
		for _, p := range container.Ports {
			ports[p.Name] = true
			ports[fmt.Sprint(p.ContainerPort)] = true
		}
		for name, probe := range map[string]*corev1.Probe{
			"livenessProbe": container.LivenessProbe, "readinessProbe": container.ReadinessProbe, "startupProbe": container.StartupProbe,
		} {
			if probe != nil && probe.HTTPGet != nil && !ports[probe.HTTPGet.Port.String()] {
				c.fail("%s: %s port %s is not a declared container port", at, name, probe.HTTPGet.Port.String())
			}
		}
		for _, env := range container.Env {
			if ref := env.ValueFrom; ref != nil && ref.SecretKeyRef != nil && ref.SecretKeyRef.Name == "" {
				c.fail("%s: env %s: secretKeyRef without a name", at, env.Name)
			}
		}
	}
}

func kindOf(obj runtime.Object) string {
	gvk := obj.GetObjectKind().GroupVersionKind()
	if gvk.Kind != "" {
		return gvk.Kind
	}
	return fmt.Sprintf("%T", obj)
}

func summary(counts map[string]int) string {
	var parts []string
	for kind, n := range counts {
		parts = append(parts, fmt.Sprintf("%d %s", n, kind))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func skippedNote(skipped map[string]int) string {
	if len(skipped) == 0 {
		return ""
	}
	return "; not schema-checked (custom resources, allowed by --allow-kind): " + summary(skipped)
}
