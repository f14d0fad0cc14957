#!/usr/bin/env bash
# deploy/: valid YAML (yamllint), every object valid against the
# Kubernetes API schema (kubernetes-models from npm, pinned in
# tests/deploy/package-lock.json, installed by make deps), the recording
# rules valid and right on known series (promtool), and the DaemonSet's
# promises kept: least privilege, read-only host mounts, probes on
# /healthz, and options that meshprof serve takes.
source "$(dirname "$0")/../lib.sh"

D=$TOP/deploy
YAMLLINT='{extends: default, rules: {line-length: {max: 120}, document-start: disable, braces: {max-spaces-inside: 1}, brackets: {max-spaces-inside: 1}}}'

for f in "$D"/*.yaml "$D"/*.yml; do
	check "yamllint $(basename "$f")" yamllint -s -d "$YAMLLINT" "$f"
done
out=$(node "$TOP/tests/deploy/check.js" "$D"/*.yaml 2>&1)
echo "$out"
grep -q '^ok ' <<<"$out" || not_ok "Kubernetes schema check ran"
check "promtool check rules" promtool check rules "$D/prometheus-rules.yml"
check "promtool test rules: vCPU per 1000 rps and MiB per proxy" \
	bash -c "cd '$TOP/tests/deploy' && promtool test rules rules_test.yml"

ds() { # ds PYTHON-EXPR: evaluated on the DaemonSet's pod spec as `spec`
	python3 - "$D/meshprof.yaml" "$1" <<'EOF'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
spec = next(d for d in docs if d["kind"] == "DaemonSet")["spec"]["template"]["spec"]
c = spec["containers"][0]
print(eval(sys.argv[2]))
EOF
}
check "hostPID, no service account token" test "$(ds 'spec["hostPID"] and not spec["automountServiceAccountToken"]')" = True
check "capabilities: all dropped, BPF PERFMON SYS_PTRACE DAC_READ_SEARCH added" \
	test "$(ds 'c["securityContext"]["capabilities"]')" = \
	"{'drop': ['ALL'], 'add': ['BPF', 'PERFMON', 'SYS_PTRACE', 'DAC_READ_SEARCH']}"
check "not privileged, read-only root" \
	test "$(ds 'not c["securityContext"].get("privileged") and c["securityContext"]["readOnlyRootFilesystem"]')" = True
check "every mount read-only" test "$(ds 'all(m.get("readOnly") for m in c["volumeMounts"])')" = True
check "probes on /healthz" \
	test "$(ds 'c["readinessProbe"]["httpGet"]["path"] + c["livenessProbe"]["httpGet"]["path"]')" = /healthz/healthz
check "memory limit set" test "$(ds 'c["resources"]["limits"]["memory"]')" = 320Mi
for opt in $(ds '" ".join(a.split("=")[0] for a in c["args"][1:])'); do
	check "meshprof serve takes $opt" grep -q -- "$opt" <("$MESHPROF" serve --help)
done
finish
