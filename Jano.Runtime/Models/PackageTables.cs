using Jano.Core.IO;
using Jano.Core.Packages;

namespace Jano.Runtime.Models;

/// <summary>A package's per-token table of image rows at its own geometry, checked against the manifest (shared by the block programs).</summary>
public static class PackageTables
{
    /// <param name="user">Who adds the table, for the message ("the PixArt embedding").</param>
    public static float[] LoadImageRows(ModelPackage package, string name, string user)
    {
        var m = package.Manifest;
        var table = m.Transformer.Tables.FirstOrDefault(t => t.Name == name)
            ?? throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: field 'components.transformer.tables' has no '{name}' table, which {user} adds");
        var path = package.PathOf(table.File);
        int tokens = m.Geometry.Tokens, width = m.Dims.HiddenSize;
        if (table.Width != width || table.Rows != TokenTable.ImageRows)
            throw new ModelPackageException($"{package.PathOf(ModelManifest.FileName)}: table '{table.Name}' must have width {width} and rows '{TokenTable.ImageRows}', found {table.Width} and '{table.Rows}'");
        using var file = SafetensorsFile.Open(path);
        if (!file.Contains(table.Tensor)) throw new ModelPackageException($"{path}: no tensor '{table.Tensor}'");
        var entry = file.Get(table.Tensor);
        if (entry.Shape.Length != 2 || entry.Shape[0] != tokens || entry.Shape[1] != width)
            throw new ModelPackageException($"{path}: tensor '{table.Tensor}' has shape [{string.Join(", ", entry.Shape)}], expected [{tokens}, {width}] for the {m.Geometry.Describe()} geometry");
        return file.ReadAsFloat32(table.Tensor);
    }
}
