namespace Jano.Core.Stages;

/// <summary>
/// The CLIP text encoder graph's tensor names, defined once for the exporter that builds it and the
/// runtime encoder that runs it. input_ids [batch, max_position_embeddings (77)] int64 →
/// last_hidden_state [batch, 77, D] (after the final layer norm), penultimate_hidden_state
/// [batch, 77, D] (transformers' hidden_states[-2]: the last block's input, no final norm; what SD3
/// conditions on), pooled [batch, D] (the final-normed state at the EOS position) and, for
/// CLIPTextModelWithProjection, text_embeds [batch, projection_dim].
/// </summary>
public static class ClipTextStages
{
    public const string Role = "clip-text";

    public const string InputIds = "input_ids";
    public const string LastHiddenState = "last_hidden_state";
    public const string PenultimateHiddenState = "penultimate_hidden_state";
    public const string Pooled = "pooled";
    public const string TextEmbeds = "text_embeds";

    public static readonly StageSignature TextModel = new(Role, [InputIds], [LastHiddenState, PenultimateHiddenState, Pooled]);
    public static readonly StageSignature TextModelWithProjection = new(Role, [InputIds], [LastHiddenState, PenultimateHiddenState, Pooled, TextEmbeds]);

    public static StageSignature For(bool projection) => projection ? TextModelWithProjection : TextModel;
}
