namespace Jano.Runtime.Text;

/// <summary>A prompt needs more tokens than the text encoder accepts and truncation is off.</summary>
public sealed class PromptTooLongException : ArgumentException
{
    public PromptTooLongException(int tokenCount, int maxTokens, string? paramName = null)
        : base($"The prompt needs {tokenCount} tokens (including the start and end tokens) but the limit is {maxTokens}. " +
               "Shorten it or enable truncation.", paramName)
    {
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
    }

    /// <summary>Tokens the whole prompt needs, counting the start and end tokens ([CLS] and [SEP] for MiniLM, BOS and EOS for CLIP).</summary>
    public int TokenCount { get; }

    public int MaxTokens { get; }
}
