#!/usr/bin/env bash
# Time from launching the AppHost to all-healthy (cold and warm) and each resource's resident
# memory once idle. Usage: bench/startup.sh [idle-seconds, default 20]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >&2
dotnet build bench/Startup/WakeDock.Bench.Startup.csproj -nologo -v:quiet >&2
exec dotnet bench/Startup/bin/Debug/net10.0/WakeDock.Bench.Startup.dll "$@"
