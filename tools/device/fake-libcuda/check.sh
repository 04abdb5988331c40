#!/usr/bin/env bash
# Runs the CUDA driver-API tests (the CudaDriverPtx kernel fixtures and the CUDA step device's tests)
# against fake_libcuda.c, a host emulation of the driver built here as libcuda.so.1: checks our
# P/Invoke signatures, the kernel argument packing and every offset of the device's data path on a
# machine without a GPU. Not a GPU test: the kernels it runs are its own C re-implementations.
# Usage: tools/device/fake-libcuda/check.sh [extra dotnet test arguments]   (needs gcc; build first)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
lib="$(mktemp -d)"
trap 'rm -rf "$lib"' EXIT
gcc -O2 -shared -fPIC -Wall -Wextra -Werror -o "$lib/libcuda.so.1" "$repo/tools/device/fake-libcuda/fake_libcuda.c" -lm
cd "$repo"
LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" dotnet test Jano.Tests/Jano.Tests.csproj -c Release --no-build \
  --filter "FullyQualifiedName~CudaDriverPtx|FullyQualifiedName~EmulatedDriver|(FullyQualifiedName~StepDeviceTests&FullyQualifiedName~Cuda)" "$@"
