// Command validator checks the Kubernetes manifests of deploy/kubernetes offline: every document decodes
// strictly into its typed API object (unknown or misspelt fields and wrong types are errors), and the objects
// agree with each other (selectors match pod labels, named ports exist, probes and autoscalers point at what
// exists, every container requests resources). Schemas for kubeconform cannot be downloaded here; the typed
// k8s.io/api structs are the same definitions the schemas are generated from.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"
)

// ScaledObject is the subset of KEDA's keda.sh/v1alpha1 ScaledObject these manifests use; decoding is strict,
// so a field outside it is reported rather than silently ignored.
type ScaledObject struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		ScaleTargetRef struct {
			Name string `json:"name"`
		} `json:"scaleTargetRef"`
		MinReplicaCount *int32 `json:"minReplicaCount"`
		MaxReplicaCount *int32 `json:"maxReplicaCount"`
		PollingInterval *int32 `json:"pollingInterval"`
		CooldownPeriod  *int32 `json:"cooldownPeriod"`
		Advanced        *struct {
			HorizontalPodAutoscalerConfig *struct {
				Behavior *autoscalingv2.HorizontalPodAutoscalerBehavior `json:"behavior"`
			} `json:"horizontalPodAutoscalerConfig"`
		} `json:"advanced"`
		Triggers []struct {
			Type     string            `json:"type"`
			Metadata map[string]string `json:"metadata"`
		} `json:"triggers"`
	} `json:"spec"`
}

type manifests struct {
	deployments map[string]*appsv1.Deployment
	services    []*corev1.Service
	pdbs        []*policyv1.PodDisruptionBudget
	hpas        []*autoscalingv2.HorizontalPodAutoscaler
	scaled      []*ScaledObject
	ingresses   []*networkingv1.Ingress
	count       map[string]int
}

var problems []string

func problem(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

func decode(doc []byte, into any, where string) bool {
	if err := yaml.UnmarshalStrict(doc, into); err != nil {
		problem("%s: %v", where, err)
		return false
	}
	return true
}

func load(files []string) *manifests {
	m := &manifests{deployments: map[string]*appsv1.Deployment{}, count: map[string]int{}}
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			problem("%s: %v", file, err)
			continue
		}
		for i, doc := range bytes.Split(raw, []byte("\n---")) {
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil {
				problem("%s #%d: %v", file, i+1, err)
				continue
			}
			if head.Kind == "" {
				continue // comments only
			}
			where := fmt.Sprintf("%s #%d %s", filepath.Base(file), i+1, head.Kind)
			m.count[head.APIVersion+" "+head.Kind]++
			switch head.APIVersion + " " + head.Kind {
			case "v1 Namespace":
				decode(doc, &corev1.Namespace{}, where)
			case "v1 ConfigMap":
				decode(doc, &corev1.ConfigMap{}, where)
			case "v1 Secret":
				decode(doc, &corev1.Secret{}, where)
			case "v1 Service":
				s := &corev1.Service{}
				if decode(doc, s, where) {
					m.services = append(m.services, s)
				}
			case "apps/v1 Deployment":
				d := &appsv1.Deployment{}
				if decode(doc, d, where) {
					m.deployments[d.Name] = d
				}
			case "policy/v1 PodDisruptionBudget":
				p := &policyv1.PodDisruptionBudget{}
				if decode(doc, p, where) {
					m.pdbs = append(m.pdbs, p)
				}
			case "autoscaling/v2 HorizontalPodAutoscaler":
				h := &autoscalingv2.HorizontalPodAutoscaler{}
				if decode(doc, h, where) {
					m.hpas = append(m.hpas, h)
				}
			case "networking.k8s.io/v1 Ingress":
				g := &networkingv1.Ingress{}
				if decode(doc, g, where) {
					m.ingresses = append(m.ingresses, g)
				}
			case "keda.sh/v1alpha1 ScaledObject":
				s := &ScaledObject{}
				if decode(doc, s, where) {
					m.scaled = append(m.scaled, s)
				}
			default:
				problem("%s: kind %s %s is not known to this validator", where, head.APIVersion, head.Kind)
			}
		}
	}
	return m
}

func containerPorts(d *appsv1.Deployment) (map[string]bool, map[int32]bool) {
	names, numbers := map[string]bool{}, map[int32]bool{}
	for _, c := range d.Spec.Template.Spec.Containers {
		for _, p := range c.Ports {
			names[p.Name], numbers[p.ContainerPort] = true, true
		}
	}
	return names, numbers
}

func portExists(port intstr.IntOrString, d *appsv1.Deployment) bool {
	names, numbers := containerPorts(d)
	if port.Type == intstr.String {
		return names[port.StrVal]
	}
	return numbers[port.IntVal]
}

func checkDeployment(d *appsv1.Deployment) {
	selector := labels.SelectorFromSet(d.Spec.Selector.MatchLabels)
	if !selector.Matches(labels.Set(d.Spec.Template.Labels)) {
		problem("Deployment %s: selector %v does not match its pod labels", d.Name, d.Spec.Selector.MatchLabels)
	}
	for _, c := range d.Spec.Template.Spec.Containers {
		if c.Resources.Requests.Cpu().IsZero() || c.Resources.Requests.Memory().IsZero() {
			problem("Deployment %s container %s: no cpu or memory request", d.Name, c.Name)
		}
		for kind, probe := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
			if probe == nil {
				problem("Deployment %s container %s: no %s probe", d.Name, c.Name, kind)
			} else if probe.HTTPGet != nil && !portExists(probe.HTTPGet.Port, d) {
				problem("Deployment %s container %s: %s probe port %s is not declared", d.Name, c.Name, kind, probe.HTTPGet.Port.String())
			}
		}
	}
}

func matchingDeployments(m *manifests, set map[string]string) []string {
	var found []string
	for name, d := range m.deployments {
		if labels.SelectorFromSet(set).Matches(labels.Set(d.Spec.Template.Labels)) {
			found = append(found, name)
		}
	}
	return found
}

func check(m *manifests) {
	for _, d := range m.deployments {
		checkDeployment(d)
	}
	services := map[string]*corev1.Service{}
	for _, s := range m.services {
		services[s.Name] = s
		targets := matchingDeployments(m, s.Spec.Selector)
		if len(targets) != 1 {
			problem("Service %s: selector matches %d Deployments (%v), want 1", s.Name, len(targets), targets)
			continue
		}
		for _, p := range s.Spec.Ports {
			if !portExists(p.TargetPort, m.deployments[targets[0]]) {
				problem("Service %s: targetPort %s is not a port of Deployment %s", s.Name, p.TargetPort.String(), targets[0])
			}
		}
	}
	covered := map[string]bool{}
	for _, p := range m.pdbs {
		targets := matchingDeployments(m, p.Spec.Selector.MatchLabels)
		if len(targets) != 1 {
			problem("PodDisruptionBudget %s: selector matches %d Deployments, want 1", p.Name, len(targets))
		}
		for _, t := range targets {
			covered[t] = true
		}
	}
	scaledBy := map[string]string{}
	for _, h := range m.hpas {
		if _, ok := m.deployments[h.Spec.ScaleTargetRef.Name]; !ok || h.Spec.ScaleTargetRef.Kind != "Deployment" {
			problem("HorizontalPodAutoscaler %s: target %s %s does not exist", h.Name, h.Spec.ScaleTargetRef.Kind, h.Spec.ScaleTargetRef.Name)
		}
		scaledBy[h.Spec.ScaleTargetRef.Name] += "hpa "
	}
	for _, s := range m.scaled {
		if _, ok := m.deployments[s.Spec.ScaleTargetRef.Name]; !ok {
			problem("ScaledObject %s: target Deployment %s does not exist", s.Metadata.Name, s.Spec.ScaleTargetRef.Name)
		}
		scaledBy[s.Spec.ScaleTargetRef.Name] += "keda "
		for _, t := range s.Spec.Triggers {
			for _, key := range []string{"endpoint", "namespace", "taskQueue", "targetQueueSize"} {
				if t.Type == "temporal" && t.Metadata[key] == "" {
					problem("ScaledObject %s: temporal trigger without %s", s.Metadata.Name, key)
				}
			}
		}
	}
	for name, by := range scaledBy {
		if strings.Count(by, " ") > 1 {
			problem("Deployment %s is scaled by more than one autoscaler (%s)", name, strings.TrimSpace(by))
		}
	}
	for name := range m.deployments {
		if !covered[name] {
			problem("Deployment %s: no PodDisruptionBudget", name)
		}
	}
	for _, g := range m.ingresses {
		for _, rule := range g.Spec.Rules {
			for _, path := range rule.HTTP.Paths {
				if _, ok := services[path.Backend.Service.Name]; !ok {
					problem("Ingress %s: backend Service %s does not exist", g.Name, path.Backend.Service.Name)
				}
			}
		}
	}
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: validator FILE.yaml...")
		os.Exit(2)
	}
	m := load(os.Args[1:])
	check(m)
	kinds := make([]string, 0, len(m.count))
	total := 0
	for kind, n := range m.count {
		kinds = append(kinds, fmt.Sprintf("%d %s", n, kind))
		total += n
	}
	sort.Strings(kinds)
	fmt.Printf("%d objects: %s\n", total, strings.Join(kinds, ", "))
	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Println("INVALID:", p)
		}
		os.Exit(1)
	}
	fmt.Println("all valid")
}
