using Jano.Core.IO;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Jano.Export.Pipelines;

/// <summary>
/// A diffusers pipeline folder's model_index.json: the pipeline class and, per component, its library
/// and class ([null, null] for a component the pipeline was saved without). Each component present
/// must have its folder.
/// </summary>
public sealed record PipelineIndex(string Root, string Path, string ClassName, IReadOnlyDictionary<string, (string? Library, string? Class)> Components)
{
    public const string FileName = "model_index.json";

    public static PipelineIndex Load(string root)
    {
        if (!Directory.Exists(root)) throw new ExportException($"{root}: pipeline folder not found");
        var path = System.IO.Path.Combine(root, FileName);
        if (!File.Exists(path)) throw new ExportException($"{root}: not a diffusers pipeline folder (no {FileName}); for a transformer folder use --checkpoint");
        JsonObject json;
        try
        {
            json = JsonInput.ParseNode(File.ReadAllText(path)) as JsonObject ?? throw new ExportException($"{path}: not a JSON object");
        }
        catch (JsonException e) { throw new ExportException($"{path}: invalid JSON: {JsonInput.OneLine(e)}", e); }
        var className = (json["_class_name"] as JsonValue)?.TryGetValue<string>(out var c) == true ? c
            : throw new ExportException($"{path}: field '_class_name' is missing or not a string");
        var components = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
        foreach (var (name, value) in json)
        {
            if (name.StartsWith('_')) continue;
            if (value is JsonArray { Count: 2 } pair)
                components[name] = (Entry(pair[0], name, path), Entry(pair[1], name, path));
        }
        var index = new PipelineIndex(root, path, className, components);
        // (Entry below: a [library, class] pair of anything but strings or null is refused naming the component.)
        foreach (var (name, (_, cls)) in components)
            if (cls is not null && !Directory.Exists(System.IO.Path.Combine(root, name)))
                throw new ExportException($"{path}: component '{name}' ({cls}) has no folder {name}/ in {root}");
        return index;
    }

    /// <summary>The class of a component, or null when the pipeline was saved without it (or does not list it).</summary>
    public string? ClassOf(string component) => Components.TryGetValue(component, out var c) ? c.Class : null;

    public string FolderOf(string component) => System.IO.Path.Combine(Root, component);

    /// <summary>The class a component must have, else one line naming the file and field.</summary>
    public void Require(string component, params string[] classes)
    {
        var cls = ClassOf(component);
        if (cls is null) throw new ExportException($"{Path}: field '{component}' is missing or null; a {ClassName} needs its {component} ({string.Join(" or ", classes)})");
        if (!classes.Contains(cls)) throw new ExportException($"{Path}: field '{component}' is '{cls}'; this exporter knows: {string.Join(", ", classes)}");
    }

    private static string? Entry(JsonNode? node, string component, string path) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var text) => text,
        _ => throw new ExportException($"{path}: field '{component}' must be [library, class] as two strings or null; found {node.ToJsonString()}"),
    };
}
