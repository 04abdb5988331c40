namespace Jano.Kernels.Cuda;

/// <summary>A CUDA driver call failed; the message names the call and the driver's error name.</summary>
public sealed class CudaException(string call, int code, string name)
    : Exception($"{call} failed: {name} ({code})")
{
    public string Call { get; } = call;
    public int Code { get; } = code;
}
