using Jano.Runtime;

namespace Jano.Cli;

/// <summary>The shipped default model when no --model is given (<see cref="DefaultPackage"/>), refused in the CLI's words.</summary>
public static class DefaultModel
{
    public const string RelativePath = DefaultPackage.RelativePath;

    public static string Locate()
    {
        try { return DefaultPackage.Locate(); }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"the default model ({RelativePath}) was not found next to the program or above the current folder; pass --model DIR");
        }
    }
}
