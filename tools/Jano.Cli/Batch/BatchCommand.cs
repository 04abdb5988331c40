using System.CommandLine;
using Jano.Cli.CommandLine;

namespace Jano.Cli.Batch;

/// <summary>
/// `jano batch JOBS.jsonl --out DIR` and its subcommand `jano batch merge DIR...`: the options, their
/// ranges and help; the work is <see cref="BatchHandler"/>'s and <see cref="BatchMergeHandler"/>'s.
/// </summary>
public static class BatchCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("JOBS.jsonl") { Description = "The manifest: one JSON object per line (id, prompt, negative, seed, steps, guidance, size, model, method, preset)" };
        var output = CliOptions.Text("--out", "Folder for ID.png + ID.json per item, index.jsonl and errors.jsonl (each shard its own)", "DIR", OptionGroups.Output);
        output.Required = true;
        var model = ModelOption.Create();
        var shard = CliOptions.Text("--shard", "Do shard INDEX of COUNT: the items whose id hashes to it (default: from SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX, else all)", "INDEX/COUNT", OptionGroups.Input);
        var completions = CliOptions.OptionalInt("--completions", "A Kubernetes Indexed Job's spec.completions: the shard count beside JOB_COMPLETION_INDEX", 1, 1_000_000, OptionGroups.Input);
        var seed = CliOptions.Long("--seed", "First seed: an item without one gets this plus its 0-based line position", 0, 0, long.MaxValue / 2, OptionGroups.Generation);
        var steps = CliOptions.OptionalInt("--steps", "Denoising steps of items without \"steps\" (default: the package's)", 1, 10_000, OptionGroups.Generation);
        var guidance = CliOptions.OptionalDouble("--guidance", "Guidance scale of items without \"guidance\" (default: the package's)", 0, 1000, OptionGroups.Generation);
        var negative = CliOptions.FreeText("--negative", "Negative prompt of items without \"negative\"", "TEXT", OptionGroups.Generation);
        var size = CliOptions.Size("--size", "Image size of items without \"size\", width x height in pixels (default: the package's)", "WIDTHxHEIGHT", OptionGroups.Generation);
        var method = CliOptions.Choice("--method", "Method of items without \"method\" (default jano: the package's default preset, dense where it does not fit)", "", ["dense", "jano"], OptionGroups.Jano);
        var preset = CliOptions.Text("--jano-preset", "Jano preset of items without \"preset\" (`jano info` lists them)", "NAME", OptionGroups.Jano);
        var batchSize = CliOptions.Int("--batch-size", "Images per forward for consecutive items that can share one (one package, size, step count and method): B = k, or 2k with guidance; Jano items of a batch compute the union of their masks", 1, 1, BatchHandler.MaxBatchSize, OptionGroups.Runtime);
        var runtime = new RuntimeFlags(defaultProvider: "auto");
        var truncate = CliOptions.Switch("--truncate", "Cut prompts longer than the text encoder takes instead of failing those items", OptionGroups.Runtime);

        var command = new Command("batch", "Generate every line of a JSONL manifest into a folder, resumable after a crash, shardable over Slurm arrays and Kubernetes Indexed Jobs")
        {
            manifest, output, model, shard, completions, seed, steps, guidance, negative, size, method, preset,
        };
        runtime.AddTo(command);
        command.Options.Add(truncate);
        command.Options.Add(batchSize);
        command.Subcommands.Add(CreateMerge());
        CliAction.Set(command, (parse, stdout, stderr) =>
        {
            var r = runtime.Read(parse);
            return new BatchHandler().Run(new BatchSettings
            {
                Manifest = parse.GetValue(manifest)!,
                Out = parse.GetValue(output)!,
                Model = parse.GetValue(model),
                Shard = parse.GetValue(shard),
                Completions = parse.GetValue(completions),
                Seed = parse.GetValue(seed),
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance),
                Negative = parse.GetValue(negative) is { Length: > 0 } n ? n : null,
                Size = parse.GetValue(size),
                Method = parse.GetValue(method) is { Length: > 0 } m ? m : null,
                Preset = parse.GetValue(preset),
                Threads = r.Threads,
                Provider = r.Provider,
                Attention = r.Attention,
                Truncate = parse.GetValue(truncate),
                BatchSize = parse.GetValue(batchSize),
            }, stdout, stderr);
        });
        return command;
    }

    private static Command CreateMerge()
    {
        var folders = new Argument<string[]>("DIR") { Description = "The output folder of every shard", Arity = ArgumentArity.OneOrMore };
        var index = CliOptions.Text("--index", "Also write one index of the whole batch (paths relative to its folder)", "FILE.jsonl", OptionGroups.Output);
        var command = new Command("merge", "Merge the shard folders of one batch: count the items done, name the missing and the duplicated") { folders, index };
        CliAction.Set(command, (parse, stdout, stderr) =>
            new BatchMergeHandler().Run(new BatchMergeSettings { Folders = parse.GetValue(folders)!, Index = parse.GetValue(index) }, stdout, stderr));
        return command;
    }
}
