using System.Text.Json;
using System.Text.Json.Nodes;
using Jano.Core.IO;

namespace Jano.Core.Packages;

/// <summary>
/// Changes a package's jano-model.json in place: the edit works on the JSON tree, so every field it does
/// not touch keeps its text (fields this runtime does not know included); the result is parsed and
/// validated like a package being opened, then replaces the file atomically. A failed edit leaves the
/// manifest as it was. The files' hashes do not cover the manifest, so no file list changes.
/// </summary>
public static class ManifestEditor
{
    public static void Update(string folder, Action<JsonObject> edit)
    {
        var path = Path.Combine(Path.GetFullPath(folder), ModelManifest.FileName);
        if (!File.Exists(path)) throw new ModelPackageException($"{folder}: not a model package (no {ModelManifest.FileName})");
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllBytes(path)) as JsonObject
                ?? throw new ModelPackageException($"{path}: the manifest is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"{path}: invalid manifest (not JSON): {JsonInput.OneLine(e)}", e);
        }
        edit(root);
        var text = root.ToJsonString(ModelManifest.JsonOptions);
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(text, ModelManifest.JsonOptions)
                ?? throw new ModelPackageException($"{path}: the edit left an empty manifest");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"{path}: the edit made an invalid manifest: {JsonInput.OneLine(e)}", e);
        }
        ManifestValidator.Validate(manifest, path);
        AtomicFile.WriteAllText(path, text);
    }

    /// <summary>The object at <paramref name="name"/> under <paramref name="parent"/>, created empty when absent.</summary>
    public static JsonObject Child(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing) return existing;
        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>
    /// Writes a tuned preset: its Jano options as janoPresets[name] and its method and measurements as
    /// acceleration.presets[name], replacing a preset of that name; the default preset stays as it is.
    /// </summary>
    public static void SetTunedPreset(string folder, string name, Acceleration.JanoOptions options, TunedPreset tuned) =>
        Update(folder, root =>
        {
            Child(root, "janoPresets")[name] = JsonSerializer.SerializeToNode(options, ModelManifest.JsonOptions);
            Child(Child(root, "acceleration"), "presets")[name] = JsonSerializer.SerializeToNode(tuned, ModelManifest.JsonOptions);
        });

    /// <summary>Writes acceleration.teaCache (the polynomial and where it came from), replacing an earlier calibration.</summary>
    public static void SetTeaCache(string folder, TeaCacheCalibrationData calibration) =>
        Update(folder, root => Child(root, "acceleration")["teaCache"] = JsonSerializer.SerializeToNode(calibration, ModelManifest.JsonOptions));
}
