namespace Jano.Cli;

/// <summary>
/// "AxB" sizes of the command line. `generate --size` is WIDTHxHEIGHT in image pixels (as image tools
/// and diffusers' width/height say it); `export --size` is HxW in latent pixels (as the grid and
/// `--block HxW`). Both name the flag and the expected form when they do not parse.
/// </summary>
public static class SizeOption
{
    /// <returns>(first, second) as written: (width, height) or (height, width) per <paramref name="widthFirst"/>.</returns>
    public static (int, int) Parse(string flag, string text, bool widthFirst)
    {
        var parts = text.ToLowerInvariant().Split('x', '×');
        if (parts.Length == 2 && int.TryParse(parts[0], out var a) && int.TryParse(parts[1], out var b) && a > 0 && b > 0) return (a, b);
        var form = widthFirst ? "WIDTHxHEIGHT in image pixels (e.g. 96x64)" : "HxW in latent pixels (e.g. 48x32)";
        throw new UsageException($"{flag} must be {form} with positive integers, got '{text}'");
    }
}
