#!/usr/bin/env bash
# Adds every symbol the PublicApiAnalyzers report as undeclared (RS0016) to the project's PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh src/Polly.AttemptAwareBreaker
set -euo pipefail
project_dir=${1:?project folder}
unshipped="$project_dir/PublicAPI.Unshipped.txt"
dotnet build "$project_dir" -p:TreatWarningsAsErrors=false 2>&1 \
  | grep -o "RS0016: Symbol '[^']*'" | sed "s/RS0016: Symbol '//; s/'$//" | sort -u > /tmp/public-api-new.txt || true
{ tail -n +2 "$unshipped"; cat /tmp/public-api-new.txt; } | sort -u > /tmp/public-api-merged.txt
{ echo '#nullable enable'; cat /tmp/public-api-merged.txt; } > "$unshipped"
echo "added $(wc -l < /tmp/public-api-new.txt) symbol(s) to $unshipped"
