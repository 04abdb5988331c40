namespace Jano.Core.Stages;

/// <summary>
/// Stage roles and the tensor names of each, defined once: the exporter names its graphs' inputs and
/// outputs from here and writes them into the manifest; the runtime checks the manifest and the
/// graphs against the same definitions and binds its buffers by these names.
/// </summary>
public static class StageRoles
{
    public const string Embed = "embed";
    public const string Cond = "cond";
    public const string Context = "context";
    public const string Pre = "pre";
    public const string Post = "post";
    public const string Final = "final";
    public const string Attention = "attention";
    public const string Model = "model";

    /// <summary>Tensor names shared by the roles.</summary>
    public static class Names
    {
        public const string Patches = "patches";
        public const string Positions = "positions";
        public const string Hidden = "hidden";
        public const string HiddenOut = "hidden_out";
        public const string Timestep = "timestep";
        /// <summary>Micro-conditions: image height and width in pixels [batch, 2], and height / width [batch, 1].</summary>
        public const string Resolution = "resolution";
        public const string AspectRatio = "aspect_ratio";
        public const string TMod = "t_mod";
        public const string TEmb = "t_emb";
        public const string TextStates = "text_states";
        /// <summary>Pooled text vector [batch, P] and the conditioning computed from it with the timestep (SD3).</summary>
        public const string Pooled = "pooled";
        public const string Temb = "temb";
        /// <summary>FLUX.1-dev's embedded guidance scale [1], shared by the batch (the cond graph multiplies it by 1000 as diffusers does).</summary>
        public const string Guidance = "guidance";
        /// <summary>Per-token rotary embedding rows [tokens, 2·head_dim]: cos then sin, each repeated per pair (FLUX's RoPE).</summary>
        public const string Rope = "rope";
        /// <summary>The prefix rows a joint family's caption stage makes [batch, L, D].</summary>
        public const string Prefix = "prefix";
        public const string Q = "q";
        public const string K = "k";
        public const string V = "v";
        public const string AttentionOut = "attention";
        /// <summary>
        /// The second, image-only self-attention of a joint-dual block (SD3.5's attn2): its query, key and
        /// value rows [batch, tokens, D] from pre (image rows only, no prefix rows) and its output into post.
        /// </summary>
        public const string Q2 = "q2";
        public const string K2 = "k2";
        public const string V2 = "v2";
        public const string Attention2Out = "attention2";
        public const string CrossK = "cross_k";
        public const string CrossV = "cross_v";
        public const string CrossBias = "cross_bias";
        public const string PatchOut = "patch_out";
        public const string Query = "query";
        public const string Key = "key";
        public const string Value = "value";
        public const string Output = "output";
        public const string Sample = "sample";
        public const string Out = "out";

        /// <summary>Per-layer cross-attention keys and values of the context graph.</summary>
        public static string CrossKeyOf(int layer) => $"cross_k_{layer:D2}";
        public static string CrossValueOf(int layer) => $"cross_v_{layer:D2}";
    }

    /// <summary>Self-attention as ONNX Runtime's MultiHeadAttention: the same for every family.</summary>
    public static readonly StageSignature AttentionGraph = new(Attention, [Names.Query, Names.Key, Names.Value], [Names.Output]);
}
