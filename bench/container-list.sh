#!/usr/bin/env bash
# Lists N containers through the Gateway vs straight from the engine API vs `docker ps -a`, in one
# run, and prints the medians and their ratios. Usage: bench/container-list.sh [containers=300] [rounds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >&2
dotnet build bench/ContainerList/WakeDock.Bench.ContainerList.csproj -nologo -v:quiet >&2
exec dotnet bench/ContainerList/bin/Debug/net10.0/WakeDock.Bench.ContainerList.dll "$@"
