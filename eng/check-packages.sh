#!/usr/bin/env bash
# The packages as users get them: packs the four packages into a fresh folder under a version no package cache has seen, then
# restores tests/PackageConsumer from that folder by PackageReference (not ProjectReference), builds it and runs it on each
# framework it targets. A dependency missing from a package's nuspec, a missing lib/<framework> asset or a type that does not
# load fails here. Exit code 0 when every package was packed, restored, built and behaved; the last line says so either way.
set -uo pipefail
cd "$(dirname "$0")/.."

version="0.0.0-consumer.$(date +%s).$$"
feed=$(mktemp -d)
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
consumer=tests/PackageConsumer/ConsumerApp/ConsumerApp.csproj
packages=(Polly.AttemptAwareBreaker Polly.AttemptAwareBreaker.Http Polly.AttemptAwareBreaker.Extensions Polly.AttemptAwareBreaker.Redis)

cleanup() {
  rm -rf "$feed"
  [ -n "$cache" ] || return 0
  for package in "${packages[@]}"; do   # the version is unique to this run: leave no copy of it in the package cache
    rm -rf "${cache%/}/${package,,}/$version"
    rmdir "${cache%/}/${package,,}" 2>/dev/null || true
  done
}
trap cleanup EXIT

fail() { echo "package check: FAILED ($1)"; exit 1; }

echo "package check: packing ${packages[*]} as $version"
# eng/packages.slnf holds the four packable projects. SourceLink is left out: it needs the repository's remote, which a clone
# or worktree may lack, and it adds no dependency or asset.
dotnet pack eng/packages.slnf -c Release -o "$feed" -p:Version="$version" -nologo -v:q \
  -p:EnableSourceLink=false -p:EnableSourceControlManagerQueries=false || fail "dotnet pack"
for package in "${packages[@]}"; do
  [ -f "$feed/$package.$version.nupkg" ] || fail "no $package.$version.nupkg"
done

rm -rf tests/PackageConsumer/*/bin tests/PackageConsumer/*/obj
dotnet build "$consumer" -c Release -nologo -v:q \
  -p:AttemptAwareBreakerVersion="$version" -p:RestoreAdditionalProjectSources="$feed" || fail "the consumer did not restore or build"

for framework in $(sed -n 's#.*<TargetFrameworks>\(.*\)</TargetFrameworks>.*#\1#p' "$consumer" | tr ';' ' '); do
  dotnet run --project "$consumer" -c Release -f "$framework" --no-build -p:AttemptAwareBreakerVersion="$version" \
    || fail "the consumer failed on $framework"
done
echo "package check: passed"
