namespace Jano.Cli.Batch;

/// <summary>
/// How `jano batch` and `jano batch merge` end, so a scheduler (a Slurm array, a Kubernetes Job) can
/// tell "retry" from "fix the input": 0 everything done; 1 nothing ran (bad input, unreadable folder);
/// 2 usage; 3 the run finished but some items failed (errors.jsonl; a rerun retries them) or, for
/// merge, items are missing or duplicated.
/// </summary>
public static class BatchExitCodes
{
    public const int Done = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int Incomplete = 3;
}
