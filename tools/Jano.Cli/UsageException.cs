namespace Jano.Cli;

/// <summary>A command line that cannot run (a value the parser could not judge alone); one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
