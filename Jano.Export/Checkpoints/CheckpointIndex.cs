using Jano.Core.IO;
using System.Text.Json;

namespace Jano.Export.Checkpoints;

/// <summary>
/// Reads the <c>weight_map</c> (tensor key → shard file name) of a sharded checkpoint's
/// <c>*.safetensors.index.json</c>. Shard names must be plain file names in the checkpoint folder: an index
/// is input from elsewhere, and a name like "../x" must not make us open files outside the folder.
/// </summary>
internal static class CheckpointIndex
{
    public static IReadOnlyDictionary<string, string> ReadWeightMap(string indexPath)
    {
        JsonDocument document;
        try
        {
            document = JsonInput.ParseDocument(File.ReadAllBytes(indexPath));
        }
        catch (JsonException e)
        {
            throw new CheckpointException($"checkpoint index {indexPath} is not valid JSON: {JsonInput.OneLine(e)}", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("weight_map", out JsonElement map)
                || map.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"checkpoint index {indexPath} has no 'weight_map' object");

            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new CheckpointException($"checkpoint index {indexPath}: weight_map entry '{item.Name}' must be a file name string");
                string shard = item.Value.GetString()!;
                if (shard.Length == 0 || shard != Path.GetFileName(shard) || shard is "." or "..")
                    throw new CheckpointException(
                        $"checkpoint index {indexPath}: weight_map entry '{item.Name}' names '{shard}', which is not a file name inside the checkpoint folder");
                if (!weightMap.TryAdd(item.Name, shard))
                    throw new CheckpointException($"checkpoint index {indexPath}: weight_map lists '{item.Name}' twice");
            }
            return weightMap;
        }
    }
}
