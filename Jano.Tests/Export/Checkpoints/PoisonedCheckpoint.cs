using Jano.Core.IO;

namespace Jano.Tests.Export.Checkpoints;

/// <summary>Rewrites a checkpoint's single safetensors file with some values replaced (NaN, infinities, huge numbers).</summary>
internal static class PoisonedCheckpoint
{
    public const string FileName = "diffusion_pytorch_model.safetensors";

    /// <summary>Sets values of the named tensors; returns the tensor count of the file.</summary>
    public static int Poison(string checkpointFolder, params (string Tensor, int Index, float Value)[] changes)
    {
        var path = Path.Combine(checkpointFolder, FileName);
        var tensors = new List<SafetensorsTensor>();
        using (var file = SafetensorsFile.Open(path))
        {
            foreach (var (name, entry) in file.Entries)
            {
                var values = file.ReadAsFloat32(name);
                foreach (var change in changes.Where(c => c.Tensor == name)) values[change.Index] = change.Value;
                tensors.Add(SafetensorsTensor.FromFloat32As(name, entry.Shape, values, entry.DType));
            }
        }
        foreach (var change in changes)
            if (tensors.All(t => t.Name != change.Tensor)) throw new ArgumentException($"no tensor {change.Tensor}");
        SafetensorsWriter.Write(path, tensors);
        return tensors.Count;
    }
}
