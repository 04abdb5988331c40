using System.Collections.ObjectModel;
using System.Text.Json;

namespace Jano.Core.IO;

/// <summary>
/// The parsed and validated JSON header of a safetensors file. Everything a reader later trusts
/// (offsets inside the data section, no overlaps, byte length matching shape × dtype) is checked here,
/// once, so that reads can slice the mapped data without further checks.
/// </summary>
internal sealed class SafetensorsHeader
{
    /// <summary>Upper bound on the header length. The reference implementation uses the same 100 MB cap:
    /// a bigger header is corruption or an attempt to make us allocate without limit.</summary>
    public const long MaxHeaderLength = 100_000_000;

    public const string MetadataKey = "__metadata__";

    private SafetensorsHeader(IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>Tensors in data order (by offset), which for files we write is also the written order.</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Checks the 8-byte length prefix against the file size; returns the header length.</summary>
    public static long ValidateHeaderLength(string path, ulong declaredLength, long fileLength)
    {
        if (declaredLength > MaxHeaderLength)
            throw new SafetensorsFormatException(path, null,
                $"header length {declaredLength} exceeds the limit of {MaxHeaderLength} bytes");
        if ((long)declaredLength > fileLength - 8)
            throw new SafetensorsFormatException(path, null,
                $"header length {declaredLength} is larger than the {fileLength - 8} bytes that follow the 8-byte length prefix");
        if (declaredLength < 2)
            throw new SafetensorsFormatException(path, null, $"header length {declaredLength} is too small to hold a JSON object");
        return (long)declaredLength;
    }

    public static SafetensorsHeader Parse(string path, ReadOnlyMemory<byte> json, long dataLength)
    {
        JsonDocument document;
        try
        {
            document = JsonInput.ParseDocumentKeepingRepeatedKeys(json); // repeated tensor names are refused below, by name
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, $"header is not valid JSON: {JsonInput.OneLine(e)}", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, $"header must be a JSON object, found {root.ValueKind}");

            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<SafetensorsEntry>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            bool sawMetadata = false;

            foreach (JsonProperty property in root.EnumerateObject())
            {
                // JSON allows repeated keys and JsonDocument keeps them all; a repeated tensor name would make
                // lookups ambiguous, so it is an error.
                if (property.Name == MetadataKey)
                {
                    if (sawMetadata) throw new SafetensorsFormatException(path, null, $"'{MetadataKey}' appears twice");
                    sawMetadata = true;
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(path, property.Name, "appears twice in the header");
                entries.Add(ReadEntry(path, property.Name, property.Value, dataLength));
            }

            CheckNoOverlap(path, entries);

            var ordered = new OrderedDictionary<string, SafetensorsEntry>(entries.Count, StringComparer.Ordinal);
            foreach (SafetensorsEntry entry in entries.OrderBy(e => e.Offset).ThenBy(e => e.Length).ThenBy(e => e.Name, StringComparer.Ordinal))
                ordered.Add(entry.Name, entry);

            return new SafetensorsHeader(
                new ReadOnlyDictionary<string, SafetensorsEntry>(ordered),
                new ReadOnlyDictionary<string, string>(metadata));
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, null, $"'{MetadataKey}' must be an object of strings, found {value.ValueKind}");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(path, null,
                    $"'{MetadataKey}' entry '{item.Name}' must be a string, found {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafetensorsFormatException(path, null, $"'{MetadataKey}' entry '{item.Name}' appears twice");
        }
    }

    private static SafetensorsEntry ReadEntry(string path, string name, JsonElement value, long dataLength)
    {
        if (name.Length == 0) throw new SafetensorsFormatException(path, name, "tensor name is empty");
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(path, name, $"entry must be an object, found {value.ValueKind}");

        // Extra fields are tolerated, as the reference reader does; the three below are required.
        JsonElement dtypeElement = Required(path, name, value, "dtype", JsonValueKind.String);
        JsonElement shapeElement = Required(path, name, value, "shape", JsonValueKind.Array);
        JsonElement offsetsElement = Required(path, name, value, "data_offsets", JsonValueKind.Array);

        string dtypeText = dtypeElement.GetString()!;
        if (!SafetensorsDTypes.TryParse(dtypeText, out SafetensorsDType dtype))
            throw new SafetensorsFormatException(path, name, $"dtype '{dtypeText}' is not supported");

        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (JsonElement dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt64(out long d))
                throw new SafetensorsFormatException(path, name, $"shape[{i}] is not an integer: {dim.GetRawText()}");
            if (d < 0)
                throw new SafetensorsFormatException(path, name, $"shape[{i}] is negative: {d}");
            shape[i++] = d;
        }

        if (offsetsElement.GetArrayLength() != 2)
            throw new SafetensorsFormatException(path, name,
                $"data_offsets must be [begin, end], found {offsetsElement.GetRawText()}");
        long begin = Offset(path, name, offsetsElement[0], "begin");
        long end = Offset(path, name, offsetsElement[1], "end");
        if (begin > end)
            throw new SafetensorsFormatException(path, name, $"data_offsets [{begin}, {end}] begin after they end");
        if (end > dataLength)
            throw new SafetensorsFormatException(path, name,
                $"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section");

        long expectedLength;
        try
        {
            expectedLength = checked(SafetensorsShape.ElementCount(shape) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new SafetensorsFormatException(path, name, $"shape {SafetensorsShape.Format(shape)} is too large");
        }
        if (expectedLength != end - begin)
            throw new SafetensorsFormatException(path, name,
                $"shape {SafetensorsShape.Format(shape)} of {dtypeText} needs {expectedLength} bytes but data_offsets [{begin}, {end}] span {end - begin}");

        return new SafetensorsEntry(name, dtype, shape, begin, end - begin);
    }

    private static JsonElement Required(string path, string name, JsonElement entry, string field, JsonValueKind kind)
    {
        if (!entry.TryGetProperty(field, out JsonElement value))
            throw new SafetensorsFormatException(path, name, $"missing field '{field}'");
        if (value.ValueKind != kind)
            throw new SafetensorsFormatException(path, name, $"field '{field}' must be {kind}, found {value.ValueKind}");
        return value;
    }

    private static long Offset(string path, string name, JsonElement element, string which)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long value) || value < 0)
            throw new SafetensorsFormatException(path, name,
                $"data_offsets {which} is not a non-negative integer: {element.GetRawText()}");
        return value;
    }

    /// <summary>Two tensors sharing bytes would alias each other; empty tensors occupy nothing and cannot overlap.</summary>
    private static void CheckNoOverlap(string path, List<SafetensorsEntry> entries)
    {
        SafetensorsEntry? previous = null;
        foreach (SafetensorsEntry entry in entries.Where(e => e.Length > 0).OrderBy(e => e.Offset))
        {
            if (previous is not null && entry.Offset < previous.Offset + previous.Length)
                throw new SafetensorsFormatException(path, entry.Name,
                    $"data_offsets [{entry.Offset}, {entry.Offset + entry.Length}] overlap tensor '{previous.Name}' at [{previous.Offset}, {previous.Offset + previous.Length}]");
            previous = entry;
        }
    }
}
