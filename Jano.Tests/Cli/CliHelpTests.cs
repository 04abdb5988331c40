using Jano.Cli;
using Jano.Cli.CommandLine;

namespace Jano.Tests.Cli;

/// <summary>
/// Help on System.CommandLine: every command answers `--help` and `-h` with its usage and grouped options and
/// runs nothing; `jano --version`; the README's command reference is the help-markdown output; more threads
/// than cores are capped with a note.
/// </summary>
[TestFixture]
public sealed class CliHelpTests
{
    public static IEnumerable<string> Commands => CliApp.Build().Subcommands.Where(c => !c.Hidden).Select(c => c.Name);

    [Test]
    public void HelpPrintsTheUsageAndRunsNothing([ValueSource(nameof(Commands))] string command, [Values("--help", "-h")] string flag)
    {
        using var folder = new TempFolder();
        var before = Directory.GetFiles(Directory.GetCurrentDirectory()).Length;
        var r = CliRunner.Run(command, flag);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.StartWith("Description:").And.Contain($"Usage:\n  jano {command}"));
        Assert.That(r.Out, Does.Contain("-h, --help"));
        Assert.That(r.Err, Is.Empty);
        Assert.That(Directory.GetFiles(Directory.GetCurrentDirectory()), Has.Length.EqualTo(before), "nothing written (no image for a prompt '-h')");
    }

    [Test]
    public void EveryOptionOfEveryCommandHasADescriptionAndAGroup()
    {
        foreach (var command in CliApp.Build().Subcommands)
            foreach (var option in command.Options)
            {
                Assert.That(option.Description, Is.Not.Null.And.Not.Empty, $"jano {command.Name} {option.Name}");
                Assert.That(OptionGroups.Of(option), Is.Not.EqualTo(OptionGroups.Other), $"jano {command.Name} {option.Name} is in no help section");
            }
    }

    [Test]
    public void GenerateHelpGroupsItsOptionsAndShowsDefaultsAndRanges()
    {
        var r = CliRunner.Run("generate", "--help");
        var sections = new[] { "Input options:", "Generation options:", "Jano options:", "Runtime options:", "Output options:" };
        var positions = sections.Select(s => r.Out.IndexOf(s, StringComparison.Ordinal)).ToList();
        Assert.That(positions, Has.All.GreaterThanOrEqualTo(0), r.Out);
        Assert.That(positions, Is.Ordered, "sections in their order");
        Assert.That(r.Out, Does.Contain("--steps <N>").And.Contain("[1–10000]"));
        Assert.That(r.Out, Does.Contain("--count <N>").And.Contain("[1–1024] [default: 1]"));
        Assert.That(r.Out, Does.Contain("--static-threshold <X>").And.Contain("[0–1]"));
        Assert.That(r.Out, Does.Contain("--out <FILE.png>").And.Contain("[default: jano.png]"));
        Assert.That(r.Out, Does.Contain("--provider <auto|cpu|cuda>").And.Contain("[default: auto]"));
        var jano = r.Out[positions[2]..positions[3]];
        Assert.That(jano, Does.Contain("--warmup").And.Contain("--medium-interval").And.Not.Contain("--threads"));
    }

    [Test]
    public void TheRootLists_TheCommandsAndNotTheHiddenOne()
    {
        var r = CliRunner.Run("--help");
        Assert.That(r.Code, Is.EqualTo(0));
        foreach (var c in Commands) Assert.That(r.Out, Does.Contain($"\n  {c}"));
        Assert.That(r.Out, Does.Not.Contain("help-markdown"));
        Assert.That(r.Out, Does.Contain("--version"));
    }

    [Test]
    public void VersionPrintsTheAssemblyVersion()
    {
        var r = CliRunner.Run("--version");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        var expected = typeof(CliApp).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.That(r.Out.Trim(), Is.EqualTo(expected));
    }

    [Test]
    public void NoCommandSaysWhichThereAre()
    {
        var r = CliRunner.Run();
        Assert.That(r.Code, Is.EqualTo(2));
        Assert.That(r.Err.Trim(), Does.StartWith("jano: give a command").And.Contain("generate").And.Contain("bench"));
        Assert.That(r.Err.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void TheReadmeCommandReferenceIsTheHelpMarkdownOutput()
    {
        var readme = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "README.md")).Replace("\r\n", "\n");
        var start = readme.IndexOf(HelpMarkdownCommand.Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(HelpMarkdownCommand.End, StringComparison.Ordinal);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README has the generated command reference");
        var section = readme[start..(end + HelpMarkdownCommand.End.Length)] + "\n";
        var r = CliRunner.Run("help-markdown");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(section, Is.EqualTo(r.Out), "regenerate it: dotnet tools/Jano.Cli/bin/Release/net10.0/jano.dll help-markdown, pasted into README.md (tools/update-readme-commands.sh)");
    }

    [Test]
    public void BashCompletionUsesTheSuggestDirective()
    {
        var r = CliRunner.Run("completion", "bash");
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out, Does.Contain("[suggest:${COMP_POINT}]").And.Contain("complete -o default -F _jano_complete jano"));
        var bad = CliRunner.Run("completion", "fish");
        Assert.That(bad.Code, Is.EqualTo(2));
        Assert.That(bad.Err, Does.Contain("SHELL must be bash or zsh, got 'fish'"));
    }

    [TestCase("jano gen", "generate")]
    [TestCase("jano generate --pro", "--provider")]
    [TestCase("jano generate --provider ", "cuda")]
    [TestCase("jano export --dtype ", "fp16")]
    [TestCase("jano init-random --pipeline ", "flux-schnell")]
    public void TheSuggestDirectiveCompletesCommandsOptionsAndChoices(string line, string expected)
    {
        var r = CliRunner.Run($"[suggest:{line.Length}]", line);
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Out.Split('\n').Select(l => l.Trim()), Does.Contain(expected), r.Out);
    }

    [Test]
    public void MoreThreadsThanCoresAreCappedWithANote()
    {
        using var folder = new TempFolder();
        var r = CliRunner.Run("generate", "a coat", "--threads", "1000", "--dense", "--steps", "1", "--out", Path.Combine(folder.Path, "threads.png"));
        Assert.That(r.Code, Is.EqualTo(0), r.Err);
        Assert.That(r.Err, Does.Contain($"note: 1000 threads asked for on {Environment.ProcessorCount} cores; using {Environment.ProcessorCount}"));
    }
}
