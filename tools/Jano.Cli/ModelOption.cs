using System.CommandLine;
using Jano.Cli.CommandLine;

namespace Jano.Cli;

/// <summary>--model DIR: a package folder; without it, the shipped default model (<see cref="DefaultModel"/>).</summary>
public static class ModelOption
{
    public static Option<string?> Create(string name = "--model", string? alias = null)
    {
        var option = CliOptions.Text(name, $"A model package folder (default: the shipped {DefaultModel.RelativePath})", "DIR", OptionGroups.Input);
        if (alias is not null) option.Aliases.Add(alias);
        return option;
    }
}
