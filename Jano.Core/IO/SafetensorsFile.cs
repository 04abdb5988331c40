using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.IO.MemoryMappedFiles;

namespace Jano.Core.IO;

/// <summary>
/// A safetensors file opened read-only and memory-mapped, so that multi-gigabyte checkpoints are read
/// tensor by tensor without loading the whole file. The header is validated completely on open; after
/// that every read is a bounds-safe slice of the mapping. Reads may run concurrently; Dispose may not
/// run concurrently with them.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private readonly MemoryMappedFile _mapping;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _data; // start of the data section inside the view
    private readonly SafetensorsHeader _header;
    private bool _disposed;

    private SafetensorsFile(string path, MemoryMappedFile mapping, MemoryMappedViewAccessor view, byte* data, SafetensorsHeader header)
    {
        Path = path;
        _mapping = mapping;
        _view = view;
        _data = data;
        _header = header;
    }

    /// <summary>The path the file was opened with; every error message starts with it.</summary>
    public string Path { get; }

    /// <summary>Tensors by name, in data order (by offset).</summary>
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => _header.Entries;

    /// <summary>The header's <c>__metadata__</c> map; empty when absent.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _header.Metadata;

    /// <summary>Opens and validates <paramref name="path"/>; throws <see cref="SafetensorsFormatException"/> on any violation.</summary>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
        MemoryMappedFile? mapping = null;
        MemoryMappedViewAccessor? view = null;
        bool pointerAcquired = false;
        try
        {
            long fileLength = stream.Length;
            // Checked before mapping: an empty file cannot be mapped at all, and a short one has no length prefix.
            if (fileLength < 8)
                throw new SafetensorsFormatException(path, null, $"file is {fileLength} bytes, too short for the 8-byte header length");

            mapping = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = mapping.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            byte* start = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref start);
            pointerAcquired = true;
            start += view.PointerOffset;

            ulong declared = BinaryPrimitives.ReadUInt64LittleEndian(new ReadOnlySpan<byte>(start, 8));
            long headerLength = SafetensorsHeader.ValidateHeaderLength(path, declared, fileLength);
            byte[] json = new ReadOnlySpan<byte>(start + 8, (int)headerLength).ToArray();
            long dataLength = fileLength - 8 - headerLength;
            SafetensorsHeader header = SafetensorsHeader.Parse(path, json, dataLength);

            return new SafetensorsFile(path, mapping, view, start + 8 + headerLength, header);
        }
        catch
        {
            if (pointerAcquired) view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            if (mapping is not null) mapping.Dispose();
            else stream.Dispose(); // the mapping owns the stream once created
            throw;
        }
    }

    public bool Contains(string name) => _header.Entries.ContainsKey(name);

    public bool TryGet(string name, [MaybeNullWhen(false)] out SafetensorsEntry entry) => _header.Entries.TryGetValue(name, out entry);

    /// <summary>The entry for <paramref name="name"/>; <see cref="SafetensorsTensorNotFoundException"/> when absent.</summary>
    public SafetensorsEntry Get(string name) =>
        _header.Entries.TryGetValue(name, out SafetensorsEntry? entry) ? entry : throw new SafetensorsTensorNotFoundException(Path, name);

    /// <summary>The tensor converted to float (from F32, F16, BF16 or F64).</summary>
    public float[] ReadAsFloat32(string name)
    {
        SafetensorsEntry entry = Get(name);
        var result = new float[CheckedArrayLength(entry)];
        ReadAsFloat32(entry, result);
        return result;
    }

    /// <summary>Converts the tensor into <paramref name="destination"/>, whose length must equal the element count.</summary>
    public void ReadAsFloat32(string name, Span<float> destination) => ReadAsFloat32(Get(name), destination);

    /// <summary>A copy of the tensor's bytes, little-endian as stored.</summary>
    public byte[] ReadRaw(string name)
    {
        SafetensorsEntry entry = Get(name);
        return Bytes(entry).ToArray();
    }

    /// <summary>Copies the tensor's bytes into <paramref name="destination"/>, whose length must equal the byte length.</summary>
    public void ReadRaw(string name, Span<byte> destination)
    {
        SafetensorsEntry entry = Get(name);
        if (destination.Length != entry.Length)
            throw new ArgumentException($"{Path}: tensor '{name}' has {entry.Length} bytes, destination holds {destination.Length}", nameof(destination));
        Bytes(entry).CopyTo(destination);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _mapping.Dispose();
    }

    private void ReadAsFloat32(SafetensorsEntry entry, Span<float> destination)
    {
        if (!entry.DType.IsFloatingPoint())
            throw new NotSupportedException($"{Path}: tensor '{entry.Name}' is {entry.DType}, which does not convert to float32");
        if (destination.Length != entry.ElementCount)
            throw new ArgumentException(
                $"{Path}: tensor '{entry.Name}' has {entry.ElementCount} elements, destination holds {destination.Length}", nameof(destination));
        SafetensorsFloatConversion.ToFloat32(entry.DType, Bytes(entry), destination);
    }

    /// <summary>The mapped bytes of one tensor. Safe because the header validated offset and length against the data section.</summary>
    private ReadOnlySpan<byte> Bytes(SafetensorsEntry entry)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (entry.Length > Array.MaxLength)
            throw new NotSupportedException($"{Path}: tensor '{entry.Name}' has {entry.Length} bytes, more than one span can address");
        return new ReadOnlySpan<byte>(_data + entry.Offset, (int)entry.Length);
    }

    private int CheckedArrayLength(SafetensorsEntry entry) =>
        entry.ElementCount <= Array.MaxLength
            ? (int)entry.ElementCount
            : throw new NotSupportedException($"{Path}: tensor '{entry.Name}' has {entry.ElementCount} elements, more than one array can hold");
}
