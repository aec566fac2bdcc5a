#!/usr/bin/env bash
# Runs the whole WakeDock suite locally through the AppHost (backing services, the services,
# the developer dashboard). Arguments go to the AppHost, e.g.
#   ./scripts/run.sh --publisher manifest --output-path aspire-manifest.json
# Ctrl+C / SIGTERM reach the AppHost directly (exec), which stops what it started.
#
# Environment: WAKEDOCK_CONFIGURATION=<Debug|Release> (Debug), plus those of scripts/setup.sh.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONFIGURATION="${WAKEDOCK_CONFIGURATION:-Debug}"
PROJECT="AppHost/WakeDock.AppHost.csproj"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

bash "$ROOT/scripts/setup.sh"

[[ -f "$PROJECT" ]] || { echo "[run] ERROR: $PROJECT not found" >&2; exit 1; }
echo "[run] building the AppHost ($CONFIGURATION)"
# setup.sh restored the solution's packages already (when there is one and it was not skipped).
restore_flag=(--no-restore)
[[ "${WAKEDOCK_SKIP_RESTORE:-0}" == "1" || ! -f WakeDock.sln ]] && restore_flag=()
dotnet build "$PROJECT" -c "$CONFIGURATION" "${restore_flag[@]}" -nologo -v:minimal ||
  { echo "[run] ERROR: the build failed" >&2; exit 1; }

export DOTNET_ENVIRONMENT="${DOTNET_ENVIRONMENT:-Development}"
DLL="AppHost/bin/$CONFIGURATION/net10.0/WakeDock.AppHost.dll"
echo "[run] starting the AppHost"
if [[ -f "$DLL" ]]; then
  exec dotnet "$DLL" "$@"
fi
exec dotnet run --project "$PROJECT" -c "$CONFIGURATION" --no-build --no-launch-profile -- "$@"
