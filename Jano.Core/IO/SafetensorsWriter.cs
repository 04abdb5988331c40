using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Jano.Core.IO;

/// <summary>Writes safetensors files: header padded with spaces to a multiple of 8, then the tensors contiguous in the given order.</summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (through <see cref="AtomicFile"/>:
    /// a temporary sibling file, then a rename), so a reader never sees a half-written file and a failed write
    /// leaves none behind. Input is validated before anything touches the disk.
    /// </summary>
    public static void Write(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        List<SafetensorsTensor> list = tensors.ToList(); // the header needs every offset before any data is written
        Validate(path, list);
        byte[] header = BuildHeader(list, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (SafetensorsTensor tensor in list) stream.Write(tensor.Data.Span);
        });
    }

    private static void Validate(string path, List<SafetensorsTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (SafetensorsTensor tensor in tensors)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            string name = tensor.Name;
            if (string.IsNullOrEmpty(name)) throw new ArgumentException($"{path}: a tensor has an empty name");
            if (name == SafetensorsHeader.MetadataKey) throw new ArgumentException($"{path}: '{name}' is reserved for metadata");
            if (!names.Add(name)) throw new ArgumentException($"{path}: tensor '{name}' is given twice");
            ArgumentNullException.ThrowIfNull(tensor.Shape);
            foreach (long dim in tensor.Shape)
                if (dim < 0) throw new ArgumentException($"{path}: tensor '{name}': shape {SafetensorsShape.Format(tensor.Shape)} has a negative dimension");
            long expected = checked(SafetensorsShape.ElementCount(tensor.Shape) * tensor.DType.ElementSize());
            if (expected != tensor.Data.Length)
                throw new ArgumentException(
                    $"{path}: tensor '{name}': shape {SafetensorsShape.Format(tensor.Shape)} of {tensor.DType} needs {expected} bytes, data has {tensor.Data.Length}");
        }
    }

    private static byte[] BuildHeader(List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps names like "a+b" readable in the header; the output is still valid JSON.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafetensorsHeader.MetadataKey);
                foreach ((string key, string value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (SafetensorsTensor tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToHeaderString());
                json.WriteStartArray("shape");
                foreach (long dim in tensor.Shape) json.WriteNumberValue(dim);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + tensor.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += tensor.Data.Length;
            }
            json.WriteEndObject();
        }

        // Padding to a multiple of 8 keeps the data section 8-byte aligned, so mapped F64/I64 reads are aligned.
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        for (int i = length; i < padded; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
