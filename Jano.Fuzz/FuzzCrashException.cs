namespace Jano.Fuzz;

/// <summary>Carries a crash out of the AFL++ action with the original exception as its inner one (its stack is what triage needs).</summary>
public sealed class FuzzCrashException(Exception crash) : Exception($"{crash.GetType().FullName}: {crash.Message}", crash);
