namespace Jano.Runtime.Text;

/// <summary>A prompt needs more tokens than the text encoder accepts and truncation is off.</summary>
public sealed class PromptTooLongException : ArgumentException
{
    public PromptTooLongException(int tokenCount, int maxTokens, string? paramName = null)
        : this(tokenCount, maxTokens, "[CLS] and [SEP]", paramName)
    {
    }

    /// <param name="specialTokens">The special tokens the count includes, as the message names them ("[CLS] and [SEP]", "&lt;/s&gt;").</param>
    public PromptTooLongException(int tokenCount, int maxTokens, string specialTokens, string? paramName)
        : base($"The prompt needs {tokenCount} tokens (including {specialTokens}) but the limit is {maxTokens}. " +
               "Shorten it or enable truncation.", paramName)
    {
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
    }

    /// <summary>Tokens the whole prompt needs, counting the special tokens ([CLS] and [SEP] for MiniLM, &lt;/s&gt; for T5, start and end for CLIP).</summary>
    public int TokenCount { get; }

    public int MaxTokens { get; }
}
