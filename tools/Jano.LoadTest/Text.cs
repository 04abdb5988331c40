namespace Jano.LoadTest;

internal static class Text
{
    /// <summary>A server's message on one line, cut to a length a report can show.</summary>
    public static string OneLine(string s, int max)
    {
        var line = s.ReplaceLineEndings(" ").Trim();
        return line.Length <= max ? line : line[..max] + "…";
    }
}
