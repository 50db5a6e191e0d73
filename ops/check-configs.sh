#!/usr/bin/env bash
# Validates the ops configs with the real tools that read them:
#   - ops/prometheus/prometheus.yml      promtool check config   (Debian package `prometheus`)
#   - alerts/*.rules.yml, alerts/generated/*.rules.yml, alerts/drill/*.drill.yml
#                                        promtool check rules (hand-written: feed-invariants, thunder,
#                                        async-work; generated from slo/)
#   - alerts/tests/**/*.test.yml         promtool test rules (generated SLO tests + hand-written ones)
#   - alerts/alertmanager.yml            amtool check-config + `amtool config routes test` cases
#                                        (Debian package `prometheus-alertmanager`)
#   - docker-compose.yml                 `docker compose config -q`, else `docker-compose config -q`
#                                        (Debian package `docker-compose`, v1.29: validates against the
#                                        Compose Specification schema offline, no engine needed)
#   - ops/grafana/provisioning/**        YAML parse + the keys the stack relies on (Grafana is not
#                                        installable here; it only runs under docker-compose)
# A check is skipped, with a clear message, only when its binary is absent. Any failure → exit 1.
# Set CHECK_CONFIGS_STRICT=1 to turn skips into failures (CI installs the tools, so nothing skips).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

failures=0
skips=0

section() { printf '\n── %s\n' "$1"; }
skip() {
  printf 'SKIP: %s\n' "$1"
  skips=$((skips + 1))
}
run() {
  # run <description> <command...>
  local what="$1"
  shift
  if "$@"; then
    printf 'OK:   %s\n' "$what"
  else
    printf 'FAIL: %s\n' "$what"
    failures=$((failures + 1))
  fi
}

section 'Prometheus config (promtool)'
if command -v promtool >/dev/null 2>&1; then
  run 'ops/prometheus/prometheus.yml' promtool check config ops/prometheus/prometheus.yml
else
  skip 'promtool not found (apt-get install prometheus)'
fi

section 'Prometheus rules (promtool check rules)'
if command -v promtool >/dev/null 2>&1; then
  shopt -s nullglob
  rule_files=(alerts/*.rules.yml alerts/generated/*.rules.yml alerts/drill/*.drill.yml)
  shopt -u nullglob
  if ((${#rule_files[@]} == 0)); then
    run 'rule files exist under alerts/' false
  else
    run "${#rule_files[@]} rule files" promtool check rules "${rule_files[@]}"
  fi
else
  skip 'promtool not found (apt-get install prometheus)'
fi

section 'Alert unit tests (promtool test rules)'
if command -v promtool >/dev/null 2>&1; then
  # Two at a time (the machine has 2 cores); each file reports its own failures.
  test_rules() {
    local out
    out="$(find alerts/tests -name '*.test.yml' -print0 | sort -z | xargs -0 -P 2 -n 1 promtool test rules 2>&1)"
    local rc=$?
    printf '%s\n' "$out" | grep -E 'Unit Testing|SUCCESS|FAILED|name:|alertname:|expr:' || true
    return "$rc"
  }
  run 'alerts/tests/**/*.test.yml' test_rules
else
  skip 'promtool not found (apt-get install prometheus)'
fi

section 'Alertmanager config (amtool)'
if command -v amtool >/dev/null 2>&1; then
  am=alerts/alertmanager.yml
  run "$am" amtool check-config "$am"
  # route_case <expected receiver> <label=value...>: the alert with these labels reaches that receiver.
  route_case() {
    local want="$1"
    shift
    amtool config routes test --config.file="$am" --verify.receivers="$want" "$@" >/dev/null 2>&1
  }
  run 'route: severity=page → pager' route_case pager severity=page sloth_id=home-mixer-feed-availability
  run 'route: severity=ticket → ticket' route_case ticket severity=ticket sloth_id=home-mixer-feed-availability
  run 'route: no severity → ticket (nothing dropped)' route_case ticket alertname=Unlabelled
  run 'route: drill="true" page → drill (never the pager)' route_case drill severity=page drill=true
  run 'route: hand-written page (FeedSafetyInvariantViolated) → pager' route_case pager alertname=FeedSafetyInvariantViolated severity=page
  run 'route: async-work page (WorkersTargetDown) → pager' route_case pager alertname=WorkersTargetDown severity=page
  run 'route: async-work ticket (SideEffectQuarantineGrowing) → ticket' route_case ticket alertname=SideEffectQuarantineGrowing severity=ticket
  inhibit_check='
import sys, yaml
am = yaml.safe_load(open("alerts/alertmanager.yml"))
rules = am.get("inhibit_rules", [])
ok = any(
    "severity=\"page\"" in r.get("source_matchers", [])
    and "severity=\"ticket\"" in r.get("target_matchers", [])
    and r.get("equal") == ["sloth_id"]
    and any(m.startswith("sloth_id=~") for m in r.get("source_matchers", []))
    and any(m.startswith("sloth_id=~") for m in r.get("target_matchers", []))
    for r in rules
)
assert ok, "need an inhibit rule: page mutes ticket with equal [sloth_id], sloth_id required on both sides"
for down, target in [
    ("HomeMixerTargetDown", "sloth_service=\"home-mixer\""),
    ("WorkersTargetDown", "sloth_id=\"home-mixer-served-history-freshness\""),
]:
    assert any(
        r.get("source_matchers") == ["alertname=\"%s\"" % down]
        and "alertname=\"SLOSignalAbsent\"" in r.get("target_matchers", [])
        and target in r.get("target_matchers", [])
        for r in rules
    ), "need an inhibit rule: %s mutes SLOSignalAbsent{%s}" % (down, target)
'
  if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' >/dev/null 2>&1; then
    run 'inhibition: page mutes ticket of the same SLO; a target down mutes its SLIs'"'"' no-data alert' python3 -c "$inhibit_check"
  else
    skip 'python3 with PyYAML not found (apt-get install python3-yaml)'
  fi
else
  skip 'amtool not found (apt-get install prometheus-alertmanager)'
fi

section 'docker-compose.yml (Compose Specification schema)'
if docker compose version >/dev/null 2>&1; then
  run 'docker compose config' docker compose -f docker-compose.yml --profile traffic config -q
elif command -v docker-compose >/dev/null 2>&1; then
  run 'docker-compose config' docker-compose -f docker-compose.yml --profile traffic config -q
else
  skip 'neither "docker compose" nor docker-compose found (apt-get install docker-compose)'
fi

section 'Grafana provisioning (YAML + required keys)'
grafana_check='
import sys, yaml
ds = yaml.safe_load(open("ops/grafana/provisioning/datasources/prometheus.yml"))
assert ds["apiVersion"] == 1, "datasources: apiVersion must be 1"
prom = [d for d in ds["datasources"] if d.get("type") == "prometheus"]
assert len(prom) == 1 and prom[0]["uid"] == "prometheus", "need one prometheus datasource with uid prometheus"
assert prom[0]["url"] == "http://prometheus:9090", "datasource url must be the compose prometheus service"
db = yaml.safe_load(open("ops/grafana/provisioning/dashboards/foryou.yml"))
assert db["apiVersion"] == 1, "dashboards: apiVersion must be 1"
paths = [p["options"]["path"] for p in db["providers"] if p.get("type") == "file"]
assert paths == ["/var/lib/grafana/dashboards"], "dashboard provider must read /var/lib/grafana/dashboards"
compose = yaml.safe_load(open("docker-compose.yml"))
mounts = compose["services"]["grafana"]["volumes"]
assert "./dashboards:/var/lib/grafana/dashboards:ro" in mounts, "compose must mount ./dashboards"
am_mounts = compose["services"]["alertmanager"]["volumes"]
assert "./alerts/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in am_mounts, "compose must mount alerts/alertmanager.yml"
'
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' >/dev/null 2>&1; then
  run 'ops/grafana/provisioning' python3 -c "$grafana_check"
else
  skip 'python3 with PyYAML not found (apt-get install python3-yaml)'
fi

printf '\n%d failed, %d skipped\n' "$failures" "$skips"
if ((failures > 0)); then
  exit 1
fi
if ((skips > 0)) && [[ "${CHECK_CONFIGS_STRICT:-0}" == 1 ]]; then
  echo 'CHECK_CONFIGS_STRICT=1: skipped checks count as failures'
  exit 1
fi
