using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Jano.Runtime.Text;

/// <summary>
/// Reads the embedded (manifest) resources of a .NET assembly file straight from its PE image. The
/// assembly is never loaded, so none of its code runs and none of its dependencies are needed: we only
/// want the data files that a NuGet package happens to ship inside a DLL.
/// </summary>
internal sealed class EmbeddedResourceReader : IDisposable
{
    private readonly string _path;
    private readonly FileStream _file;
    private readonly PEReader _pe;
    private readonly MetadataReader _metadata;
    private readonly Dictionary<string, long> _offsetByName = new(StringComparer.Ordinal);
    private readonly int _resourcesFileOffset;

    public EmbeddedResourceReader(string assemblyPath)
    {
        _path = assemblyPath;
        _file = File.OpenRead(assemblyPath);
        try
        {
            _pe = new PEReader(_file, PEStreamOptions.LeaveOpen);
            if (!_pe.HasMetadata)
                throw new InvalidDataException($"'{assemblyPath}' is not a .NET assembly.");
            _metadata = _pe.GetMetadataReader();
            var corHeader = _pe.PEHeaders.CorHeader!;
            if (!_pe.PEHeaders.TryGetDirectoryOffset(corHeader.ResourcesDirectory, out _resourcesFileOffset))
                _resourcesFileOffset = -1; // no embedded resources at all
            foreach (var handle in _metadata.ManifestResources)
            {
                var resource = _metadata.GetManifestResource(handle);
                // A non-nil implementation means the resource lives in another file or assembly.
                if (resource.Implementation.IsNil)
                    _offsetByName[_metadata.GetString(resource.Name)] = resource.Offset;
            }
        }
        catch
        {
            _pe?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public IReadOnlyCollection<string> Names => _offsetByName.Keys;

    /// <summary>The single resource whose name ends with <paramref name="suffix"/>.</summary>
    public string FindBySuffix(string suffix)
    {
        var matches = _offsetByName.Keys.Where(n => n.EndsWith(suffix, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidDataException(
                $"'{_path}' has no embedded resource ending in '{suffix}' (it has: {string.Join(", ", Names)})."),
            _ => throw new InvalidDataException(
                $"'{_path}' has several embedded resources ending in '{suffix}': {string.Join(", ", matches)}."),
        };
    }

    public byte[] Read(string name)
    {
        if (!_offsetByName.TryGetValue(name, out long offset) || _resourcesFileOffset < 0)
            throw new InvalidDataException($"'{_path}' has no embedded resource '{name}'.");
        // Each embedded resource is stored as a 4-byte little-endian length followed by its bytes.
        _file.Position = _resourcesFileOffset + offset;
        using var reader = new BinaryReader(_file, System.Text.Encoding.UTF8, leaveOpen: true);
        int length = reader.ReadInt32();
        if (length < 0 || _file.Position + length > _file.Length)
            throw new InvalidDataException($"Embedded resource '{name}' in '{_path}' is truncated.");
        var bytes = new byte[length];
        _file.ReadExactly(bytes);
        return bytes;
    }

    public void Dispose()
    {
        _pe.Dispose();
        _file.Dispose();
    }
}
