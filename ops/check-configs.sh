#!/usr/bin/env bash
# Validates the ops configs with the real tools that read them:
#   - ops/prometheus/prometheus.yml      promtool check config   (Debian package `prometheus`)
#   - ops/alertmanager/alertmanager.yml  amtool check-config     (Debian package `prometheus-alertmanager`)
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

section 'Alertmanager config (amtool)'
if command -v amtool >/dev/null 2>&1; then
  run 'ops/alertmanager/alertmanager.yml' amtool check-config ops/alertmanager/alertmanager.yml
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
