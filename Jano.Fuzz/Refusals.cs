using Jano.Core.IO;
using Jano.Core.Packages;
using Jano.Core.Schedulers;
using Jano.Export;
using Jano.Export.Checkpoints;

namespace Jano.Fuzz;

/// <summary>What one input did: accepted, refused with one of our messages, or crashed.</summary>
public readonly record struct Outcome(bool Accepted, Exception? Refusal, Exception? Crash);

/// <summary>
/// What counts as a refusal rather than a crash: one of our own validation exceptions, with a
/// message of one non-empty line (what the CLI prints). Everything else — an exception from deep in
/// System.Text.Json, an index out of range, a message spread over lines — is a finding.
/// </summary>
public static class Refusals
{
    public static bool IsRefusal(Exception e) =>
        e is SafetensorsFormatException or ModelPackageException or ExportException or CheckpointException
            or SchedulerConfigException or InvalidDataException or Jano.Runtime.Batch.BatchManifestException
        && !string.IsNullOrWhiteSpace(e.Message)
        && !e.Message.Contains('\n');

    public static Outcome Run(FuzzTarget target, byte[] input, Scratch scratch)
    {
        try
        {
            target.Run(input, scratch);
            return new Outcome(true, null, null);
        }
        catch (Exception e) when (IsRefusal(e))
        {
            return new Outcome(false, e, null);
        }
        catch (Exception e)
        {
            return new Outcome(false, null, e);
        }
    }

    /// <summary>Runs one input; returns null when it was accepted or refused, else the crash.</summary>
    public static Exception? Crash(FuzzTarget target, byte[] input, Scratch scratch) => Run(target, input, scratch).Crash;
}
