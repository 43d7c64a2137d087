#!/usr/bin/env bash
# Writes the store's compiled EF Core models (src/Engine/Persistence/Data/CompiledModels/{Sqlite,Postgres}) from
# RuntimeDbContext's mapping. Run it after changing the mapping or a row class (Data/Rows.cs, HistoryRows.cs, …):
# CompiledModelTests fails until the compiled models match the mapping again. Needs the dotnet-ef tool (10.0.15),
# installed into .egov/tools on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.egov/tools"
if [ ! -x "$tools/dotnet-ef" ]; then
  dotnet tool install --tool-path "$tools" dotnet-ef --version 10.0.15 >/dev/null
fi
cd "$root"
dotnet restore scripts/compiled-model/EGov.Workflows.Persistence.Design.csproj -v q --nologo >/dev/null
for provider in sqlite postgres; do
  name=$([ "$provider" = sqlite ] && echo Sqlite || echo Postgres)
  out="src/Engine/Persistence/Data/CompiledModels/$name"
  # The old files stay while dotnet-ef builds the project (Persistence does not compile without its compiled models);
  # every file it writes is newer than the marker, and what it no longer writes (a removed row class) is deleted after.
  marker="$(mktemp)"
  sleep 1
  "$tools/dotnet-ef" dbcontext optimize --no-color \
    --project src/Engine/Persistence/EGov.Workflows.Persistence.csproj \
    --startup-project scripts/compiled-model/EGov.Workflows.Persistence.Design.csproj \
    --context RuntimeDbContext --output-dir "Data/CompiledModels/$name" \
    --namespace "EGov.Workflows.Persistence.Data.CompiledModels.$name" -- "$provider"
  find "$out" -name '*.cs' ! -newer "$marker" -delete
  rm -f "$marker"
done
# Chosen by DbFactory per provider (UseModel): the generated assembly attribute would name one model for both.
rm -f src/Engine/Persistence/Data/CompiledModels/*/RuntimeDbContextAssemblyAttributes.cs
