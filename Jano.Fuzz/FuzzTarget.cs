namespace Jano.Fuzz;

/// <summary>
/// One parser under fuzzing: its name (the command-line argument and the corpus folder under
/// corpus/) and what it does with one input. An input may be accepted or refused with one of our
/// validation exceptions (<see cref="Refusals"/>); anything else thrown is a crash.
/// </summary>
public sealed record FuzzTarget(string Name, string Description, Action<byte[], Scratch> Run);
