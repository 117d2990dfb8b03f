#!/usr/bin/env bash
# Before/after benchmarks in one BenchmarkDotNet run: builds the core package of an earlier commit (a temporary git worktree) as
# Polly.AttemptAwareBreaker.Before, then runs tests/Polly.AttemptAwareBreaker.Benchmarks with it, so that every category has three
# rows: Polly's strategy (the baseline), the earlier commit (Before_*) and this working tree. Run it on an idle machine.
#   eng/compare-benchmarks.sh <commit> [BenchmarkDotNet arguments, e.g. --launchCount 3]
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:?usage: eng/compare-benchmarks.sh <commit> [BenchmarkDotNet arguments]}
shift

work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/tree" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add --detach "$work/tree" "$commit" >/dev/null
dotnet build "$work/tree/src/Polly.AttemptAwareBreaker" -c Release -f net10.0 -p:AssemblyName=Polly.AttemptAwareBreaker.Before \
  -o "$work/before" -nologo -v quiet
export AttemptAwareBreakerBaseline="$work/before/Polly.AttemptAwareBreaker.Before.dll"
dotnet run -c Release --project tests/Polly.AttemptAwareBreaker.Benchmarks -- --filter '*.BreakerBenchmarks.*' "$@"
