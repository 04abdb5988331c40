using Jano.Fuzz;

// jano-fuzz: the parsers' fuzz harnesses (docs/FUZZING.md).
//   jano-fuzz list                          the targets
//   jano-fuzz afl TARGET                    one AFL++ persistent-mode target (run under afl-fuzz, assemblies instrumented by sharpfuzz)
//   jano-fuzz replay TARGET [FILE|DIR]...   run inputs once (default: the target's corpus); exit 1 on a crash
//   jano-fuzz mutate TARGET [COUNT] [SEED]  seeded mutations of the corpus (CI's short run); exit 1 on a crash
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("usage: jano-fuzz list | afl TARGET | replay TARGET [FILE|DIR]... | mutate TARGET [COUNT=1000] [SEED=1]");
    return args.Length == 0 ? 2 : 0;
}
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-24} {t.Description}");
    return 0;
}
if (args.Length < 2 || FuzzTargets.Find(args[1]) is not { } target)
{
    Console.Error.WriteLine($"jano-fuzz: unknown target '{(args.Length < 2 ? "" : args[1])}'; `jano-fuzz list` names them");
    return 2;
}
using var scratch = new Scratch();
switch (args[0])
{
    case "afl":
        // An exception escaping the action is what AFL++ records as a crash.
        SharpFuzz.Fuzzer.Run(stream =>
        {
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (Refusals.Crash(target, copy.ToArray(), scratch) is { } crash) throw new FuzzCrashException(crash);
        });
        return 0;
    case "replay":
        var files = args.Length > 2
            ? args.Skip(2).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p).Order(StringComparer.Ordinal) : (IEnumerable<string>)[p]).Select(f => (f, File.ReadAllBytes(f))).ToList()
            : Corpus.Load(target.Name).ToList();
        return Report(files.Select(f => (f.Item1, f.Item2)));
    case "mutate":
        var count = args.Length > 2 ? int.Parse(args[2]) : 1000;
        var seed = args.Length > 3 ? int.Parse(args[3]) : 1;
        return Report(Mutants.Of(target.Name, count, seed));
    default:
        Console.Error.WriteLine($"jano-fuzz: unknown command '{args[0]}'");
        return 2;
}

int Report(IEnumerable<(string Name, byte[] Bytes)> inputs)
{
    var (ran, accepted, crashes) = (0, 0, 0);
    var start = System.Diagnostics.Stopwatch.StartNew();
    foreach (var (name, bytes) in inputs)
    {
        ran++;
        var outcome = Refusals.Run(target, bytes, scratch);
        if (outcome.Accepted) accepted++;
        if (outcome.Crash is not { } crash) continue;
        crashes++;
        Console.WriteLine($"CRASH {target.Name} {name}: {crash.GetType().Name}: {crash.Message.Split('\n')[0]}");
        Console.WriteLine($"  input (base64): {Convert.ToBase64String(bytes)}");
        foreach (var frame in (crash.StackTrace ?? "").Split('\n').Take(6)) Console.WriteLine($"  {frame.Trim()}");
    }
    Console.WriteLine($"{target.Name}: {ran} inputs, {accepted} accepted, {ran - accepted - crashes} refused, {crashes} crashes ({start.Elapsed.TotalSeconds:F1} s)");
    return crashes == 0 ? 0 : 1;
}
