using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Tests.Export.Vae;

/// <summary>Rewrites a checkpoint's config.json or safetensors file in place (tests of malformed inputs).</summary>
internal static class VaeCheckpointEdits
{
    /// <summary>Each tensor through <paramref name="change"/>: its new (name, shape, data), or null to drop it.</summary>
    public static void RewriteWeights(string path, Func<string, long[], float[], (string, long[], float[])?> change, params (string, long[], float[])[] extra)
    {
        var tensors = new List<SafetensorsTensor>();
        using (var file = SafetensorsFile.Open(path))
        {
            foreach (var (name, entry) in file.Entries)
                if (change(name, entry.Shape, file.ReadAsFloat32(name)) is { } t)
                    tensors.Add(SafetensorsTensor.FromFloat32(t.Item1, t.Item2, t.Item3));
        }
        foreach (var (name, shape, data) in extra) tensors.Add(SafetensorsTensor.FromFloat32(name, shape, data));
        SafetensorsWriter.Write(path, tensors);
    }

    public static void RewriteConfig(string path, Action<JsonObject> change)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        change(json);
        File.WriteAllText(path, json.ToJsonString());
    }
}
