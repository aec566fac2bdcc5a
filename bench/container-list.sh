#!/usr/bin/env bash
# Lists N containers through the Gateway vs straight from the engine API vs `docker ps -a`, in one
# run, and prints the medians and their ratios. Usage: bench/container-list.sh [containers=300] [rounds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >&2
# Release: a speed measurement of Debug builds measures the debugger-friendly JIT.
dotnet build bench/ContainerList/WakeDock.Bench.ContainerList.csproj -c Release -nologo -v:quiet >&2
exec dotnet bench/ContainerList/bin/Release/net10.0/WakeDock.Bench.ContainerList.dll "$@"
