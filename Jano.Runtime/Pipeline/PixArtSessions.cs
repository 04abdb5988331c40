using Jano.Runtime.IO;
using Jano.Runtime.Onnx;
using Jano.Runtime.Packages;
using Microsoft.ML.OnnxRuntime;

namespace Jano.Runtime.Pipeline;

/// <summary>The ONNX Runtime sessions of a package's stage graphs, and its position table.</summary>
public sealed class PixArtSessions : IDisposable
{
    public PixArtSessions(ModelPackage package, OrtSessionFactory factory)
    {
        var s = package.Manifest.Stages;
        var d = package.Manifest.Dims;
        var created = new List<InferenceSession>();
        try
        {
            InferenceSession Load(string file)
            {
                var session = factory.Create(package.PathOf(file));
                created.Add(session);
                return session;
            }
            Embed = Load(s.Embed);
            Cond = Load(s.Cond);
            Context = Load(s.Context);
            Pre = s.Blocks.Select(b => Load(b.Pre)).ToArray();
            Post = s.Blocks.Select(b => Load(b.Post)).ToArray();
            Final = Load(s.Final);
            Attention = Load(s.Attention);
            CheckSignature(Attention, s.Attention, ["query", "key", "value"], ["output"]);
            CheckSignature(Embed, s.Embed, ["patches", "positions"], ["hidden"]);
            CheckSignature(Cond, s.Cond, ["timestep"], ["t_mod", "t_emb"]);
            CheckSignature(Context, s.Context, ["text_states"], Enumerable.Range(0, d.Depth).SelectMany(i => new[] { CrossKeyName(i), CrossValueName(i) }).ToArray());
            for (var i = 0; i < d.Depth; i++)
            {
                CheckSignature(Pre[i], s.Blocks[i].Pre, ["hidden", "t_mod"], ["q", "k", "v"]);
                CheckSignature(Post[i], s.Blocks[i].Post, ["hidden", "attention", "t_mod", "cross_k", "cross_v", "cross_bias"], ["hidden_out"]);
            }
            CheckSignature(Final, s.Final, ["hidden", "t_emb"], ["patch_out"]);
            Positions = LoadPositions(package);
        }
        catch
        {
            foreach (var session in created) session.Dispose();
            throw;
        }
        _all = created;
    }

    private readonly List<InferenceSession> _all;

    public InferenceSession Embed { get; }
    public InferenceSession Cond { get; }
    public InferenceSession Context { get; }
    public InferenceSession[] Pre { get; }
    public InferenceSession[] Post { get; }
    public InferenceSession Final { get; }

    /// <summary>ONNX Runtime's MultiHeadAttention over (query, key, value), the alternative to the kernel.</summary>
    public InferenceSession Attention { get; }

    /// <summary>[Tokens, HiddenSize] row-major, in natural (row-major grid) token order.</summary>
    public float[] Positions { get; }

    public static string CrossKeyName(int layer) => $"cross_k_{layer:D2}";
    public static string CrossValueName(int layer) => $"cross_v_{layer:D2}";

    private static float[] LoadPositions(ModelPackage package)
    {
        var path = package.PathOf(package.Manifest.Stages.Positions);
        var d = package.Manifest.Dims;
        using var file = SafetensorsFile.Open(path);
        if (!file.Contains("pos_embed")) throw new ModelPackageException($"{path}: no tensor 'pos_embed'");
        var entry = file.Get("pos_embed");
        if (entry.Shape.Length != 2 || entry.Shape[0] != d.Tokens || entry.Shape[1] != d.HiddenSize)
            throw new ModelPackageException($"{path}: tensor 'pos_embed' has shape [{string.Join(", ", entry.Shape)}], expected [{d.Tokens}, {d.HiddenSize}]");
        return file.ReadAsFloat32("pos_embed");
    }

    private static void CheckSignature(InferenceSession session, string file, string[] inputs, string[] outputs)
    {
        foreach (var name in inputs)
            if (!session.InputMetadata.ContainsKey(name))
                throw new ModelPackageException($"{file}: graph has no input '{name}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})");
        foreach (var name in outputs)
            if (!session.OutputMetadata.ContainsKey(name))
                throw new ModelPackageException($"{file}: graph has no output '{name}' (outputs: {string.Join(", ", session.OutputMetadata.Keys)})");
    }

    public void Dispose()
    {
        foreach (var session in _all) session.Dispose();
    }
}
