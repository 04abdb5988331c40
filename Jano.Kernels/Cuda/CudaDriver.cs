using System.Runtime.InteropServices;

namespace Jano.Kernels.Cuda;

/// <summary>
/// The few CUDA driver API entry points the device-resident loop needs, from libcuda.so.1 (the NVIDIA
/// driver, not the CUDA toolkit). The driver API rather than ILGPU's CudaAccelerator because ILGPU always
/// creates a context of its own, while ONNX Runtime's CUDA provider works in the device's primary
/// context: pointers must come from, and kernels run in, that one context (tools/device/README.md).
/// Versioned names (_v2) are the ones cuda.h maps the plain names to.
/// </summary>
internal static unsafe partial class CudaDriver
{
    private const string Library = "libcuda.so.1";

    public const int AttributeComputeCapabilityMajor = 75;
    public const int AttributeComputeCapabilityMinor = 76;
    public const uint StreamNonBlocking = 1;
    public const int JitErrorLogBuffer = 5;
    public const int JitErrorLogBufferSizeBytes = 6;

    [LibraryImport(Library)] public static partial int cuInit(uint flags);
    [LibraryImport(Library)] public static partial int cuDeviceGetCount(out int count);
    [LibraryImport(Library)] public static partial int cuDeviceGet(out int device, int ordinal);
    [LibraryImport(Library)] public static partial int cuDeviceGetAttribute(out int value, int attribute, int device);
    [LibraryImport(Library)] public static partial int cuDeviceGetName(byte* name, int length, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRetain(out nint context, int device);
    [LibraryImport(Library)] public static partial int cuDevicePrimaryCtxRelease_v2(int device);
    [LibraryImport(Library)] public static partial int cuCtxSetCurrent(nint context);
    [LibraryImport(Library)] public static partial int cuStreamCreate(out nint stream, uint flags);
    [LibraryImport(Library)] public static partial int cuStreamDestroy_v2(nint stream);
    [LibraryImport(Library)] public static partial int cuStreamSynchronize(nint stream);
    [LibraryImport(Library)] public static partial int cuMemAlloc_v2(out nint pointer, nuint bytes);
    [LibraryImport(Library)] public static partial int cuMemFree_v2(nint pointer);
    [LibraryImport(Library)] public static partial int cuMemsetD32Async(nint pointer, uint value, nuint count, nint stream);
    [LibraryImport(Library)] public static partial int cuMemcpyHtoDAsync_v2(nint destination, void* source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemcpyDtoHAsync_v2(void* destination, nint source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuMemcpyDtoDAsync_v2(nint destination, nint source, nuint bytes, nint stream);
    [LibraryImport(Library)] public static partial int cuModuleLoadDataEx(out nint module, byte* image, uint optionCount, int* options, void** optionValues);
    [LibraryImport(Library)] public static partial int cuModuleUnload(nint module);
    [LibraryImport(Library)] public static partial int cuModuleGetFunction(out nint function, nint module, byte* name);
    [LibraryImport(Library)] public static partial int cuLaunchKernel(nint function, uint gridX, uint gridY, uint gridZ,
        uint blockX, uint blockY, uint blockZ, uint sharedBytes, nint stream, void** parameters, void** extra);
    [LibraryImport(Library)] public static partial int cuGetErrorName(int error, out byte* name);

    /// <summary>Throws <see cref="CudaException"/> naming the call when <paramref name="result"/> is not CUDA_SUCCESS.</summary>
    public static void Check(int result, string call)
    {
        if (result != 0) throw new CudaException(call, result, ErrorName(result));
    }

    private static string ErrorName(int result)
    {
        try
        {
            return cuGetErrorName(result, out var name) == 0 && name != null
                ? Marshal.PtrToStringUTF8((nint)name) ?? $"CUDA error {result}"
                : $"CUDA error {result}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"CUDA error {result}";
        }
    }
}
