#!/usr/bin/env bash
# The NuGet packages as a user gets them: packs Jano.Core, Jano.Kernels, Jano.Runtime, Jano.Export, Jano.Serve
# and the jano tool (Jano.Cli) into a temporary folder feed, installs the tool from it into a temporary
# folder and runs `jano --version` and a generation, then builds and runs samples/JanoSample against the
# packed Jano.Runtime. Packs what the last Release build produced (.ci/run builds first; --build builds here).
# Each run packs a version of its own (0.1.0-check.*), so the NuGet cache never serves a previous run's package;
# those versions are removed from the cache at the end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${1:-}" = "--build" ]; then
  dotnet build "$repo/tools/Jano.Cli" -c Release -v quiet -nologo
fi

version="0.1.0-check.$(date -u +%Y%m%d%H%M%S).$$"
work="$(mktemp -d)"
cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work"
  for p in jano.core jano.kernels jano.runtime jano.export jano.serve jano.cli; do rm -rf "$cache/$p/$version"; done
}
trap cleanup EXIT
feed="$work/feed"
step() { echo "pack check: $*"; }

step "packing $version"
for project in Jano.Core Jano.Kernels Jano.Runtime Jano.Export Jano.Serve tools/Jano.Cli; do
  dotnet pack "$repo/$project" -c Release --no-build -o "$feed" -p:PackageVersion="$version" -v quiet -nologo
done
for id in Jano.Core Jano.Kernels Jano.Runtime Jano.Export Jano.Serve Jano.Cli; do
  [ -f "$feed/$id.$version.nupkg" ] || { echo "pack check: $id.$version.nupkg was not written"; exit 1; }
  [ -f "$feed/$id.$version.snupkg" ] || { echo "pack check: $id.$version.snupkg (symbols) was not written"; exit 1; }
done
python3 - "$feed" "$version" <<'PY'
import sys, zipfile
feed, version = sys.argv[1], sys.argv[2]
for id in ["Jano.Core", "Jano.Kernels", "Jano.Runtime", "Jano.Export", "Jano.Serve", "Jano.Cli"]:
    z = zipfile.ZipFile(f"{feed}/{id}.{version}.nupkg")
    names = z.namelist()
    nuspec = z.read(f"{id}.nuspec").decode()
    problems = [what for what, ok in [
        ("README.md", "README.md" in names),
        ("license expression MIT", '<license type="expression">MIT</license>' in nuspec),
        ("XML docs", id == "Jano.Cli" or f"lib/net10.0/{id}.xml" in names),
        ("tool settings", id != "Jano.Cli" or any(n.endswith("DotnetToolSettings.xml") for n in names)),
        ("default model", id != "Jano.Cli" or any(n.endswith("onnx-models/fashion-dit/jano-model.json") for n in names)),
        ("no CUDA provider", id != "Jano.Cli" or not any(n.endswith("libonnxruntime_providers_cuda.so") for n in names)),
        ("MiniLM targets", id != "Jano.Runtime" or "buildTransitive/Jano.Runtime.targets" in names),
    ] if not ok]
    if problems:
        sys.exit(f"pack check: {id}: missing {', '.join(problems)}")
print("pack check: every package has its README, license, docs and symbols")
PY

# The tool has no dependencies (it carries them): its feed alone. The sample's other packages come from
# nuget.org, or from the NuGet cache where the repository's restore left them (offline: its failure is ignored).
write_config() {
  cat > "$1" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="jano-check" value="$feed" />
$2
  </packageSources>
</configuration>
XML
}
write_config "$work/tool.nuget.config" ""
write_config "$work/nuget.config" '    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />'

step "installing the tool into a temporary folder"
dotnet tool install Jano.Cli --version "$version" --tool-path "$work/tool" --configfile "$work/tool.nuget.config" >/dev/null
jano="$work/tool/jano"
reported="$("$jano" --version)"
echo "pack check: jano --version: $reported"
case "$reported" in 0.1.0*) ;; *) echo "pack check: unexpected version '$reported'"; exit 1 ;; esac
step "generating with the installed tool (its own copy of the default model)"
(cd "$work" && "$jano" generate "a sneaker" --steps 4 --seed 3 --out "$work/tool.png" --provider cpu)
head -c 8 "$work/tool.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "pack check: the tool wrote no PNG"; exit 1; }
[ -f "$work/tool.json" ] || { echo "pack check: the tool wrote no sidecar"; exit 1; }

step "building and running samples/JanoSample against the packed Jano.Runtime"
cp -r "$repo/samples/." "$work/samples"
rm -rf "$work/samples/JanoSample/bin" "$work/samples/JanoSample/obj"
dotnet restore "$work/samples/JanoSample" -p:JanoVersion="$version" --configfile "$work/nuget.config" --ignore-failed-sources -v quiet
dotnet build "$work/samples/JanoSample" -c Release -p:JanoVersion="$version" --no-restore -v quiet -nologo
dotnet "$work/samples/JanoSample/bin/Release/net10.0/JanoSample.dll" --model "$repo/onnx-models/fashion-dit" --steps 4 --out "$work/sample.png"
head -c 8 "$work/sample.png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a" || { echo "pack check: the sample wrote no PNG"; exit 1; }
echo "pack check: passed (packages, tool, sample)"
