using System.CommandLine;
using System.Runtime.CompilerServices;

namespace Jano.Cli.CommandLine;

/// <summary>
/// The help section an option is listed under ("Generation options:", "Jano options:", ...). System.CommandLine
/// has no option groups of its own, so the group rides beside the option and <see cref="GroupedHelp"/> reads it.
/// </summary>
public static class OptionGroups
{
    public const string Input = "Input";
    public const string Generation = "Generation";
    public const string Jano = "Jano";
    public const string Benchmark = "Benchmark";
    public const string Evaluation = "Evaluation";
    public const string Export = "Export";
    public const string Server = "Server";
    public const string Runtime = "Runtime";
    public const string Output = "Output";
    public const string Other = "Other";

    /// <summary>The order sections appear in help.</summary>
    public static readonly IReadOnlyList<string> Order = [Input, Generation, Jano, Benchmark, Evaluation, Export, Server, Runtime, Output, Other];

    private static readonly ConditionalWeakTable<Option, string> Groups = new();

    public static T InGroup<T>(this T option, string group) where T : Option
    {
        Groups.AddOrUpdate(option, group);
        return option;
    }

    public static string Of(Option option) => Groups.TryGetValue(option, out var g) ? g : Other;

    private static readonly ConditionalWeakTable<Option, string> Defaults = new();

    /// <summary>The default as help shows it ("[default: 1]"); System.CommandLine 3 keeps its own help builder internal, so ours records it.</summary>
    public static T WithDefaultText<T>(this T option, string text) where T : Option
    {
        Defaults.AddOrUpdate(option, text);
        return option;
    }

    public static string? DefaultText(Option option) => Defaults.TryGetValue(option, out var d) ? d : null;
}
