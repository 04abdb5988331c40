using Google.Protobuf;
using Jano.Export.Onnx.Proto;
using Jano.Core.IO;

namespace Jano.Export.Onnx;

/// <summary>
/// Writes a built model to disk atomically. Protobuf messages cannot exceed 2 GiB, so when the
/// initializers are large they move to an external-data file beside the model (ONNX's
/// external_data mechanism: location, offset, length), which ONNX Runtime reads when it loads the
/// model from its path.
/// </summary>
public static class OnnxModelWriter
{
    /// <summary>Above this many initializer bytes the weights go to "&lt;model&gt;.data".</summary>
    public const long ExternalDataThreshold = 1L << 30;

    /// <summary>Writes the model; returns the paths of the files written (model, and data file if any).</summary>
    /// <param name="externalThreshold">Initializer bytes above which the weights go to the data file (tests lower it to check that path on small models).</param>
    public static IReadOnlyList<string> Save(ModelProto model, string path, long externalThreshold = ExternalDataThreshold)
    {
        var total = model.Graph.Initializer.Sum(t => (long)t.RawData.Length);
        var written = new List<string> { path };
        if (total > externalThreshold)
        {
            var dataPath = path + ".data";
            WriteExternal(model, dataPath);
            written.Add(dataPath);
        }
        AtomicFile.Write(path, stream => model.WriteTo(stream));
        return written;
    }

    private static void WriteExternal(ModelProto model, string dataPath)
    {
        var location = Path.GetFileName(dataPath);
        AtomicFile.Write(dataPath, stream =>
        {
            long offset = 0;
            foreach (var tensor in model.Graph.Initializer)
            {
                if (tensor.RawData.Length < 1024) continue;
                // Keep offsets aligned to 64 bytes so the data can be memory-mapped efficiently.
                var pad = (int)((64 - offset % 64) % 64);
                if (pad > 0) { stream.Write(new byte[pad]); offset += pad; }
                tensor.RawData.WriteTo(stream);
                tensor.DataLocation = TensorProto.Types.DataLocation.External;
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = offset.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                tensor.ExternalData.Add(new StringStringEntryProto { Key = "length", Value = tensor.RawData.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                offset += tensor.RawData.Length;
                tensor.RawData = ByteString.Empty;
            }
        });
    }
}
