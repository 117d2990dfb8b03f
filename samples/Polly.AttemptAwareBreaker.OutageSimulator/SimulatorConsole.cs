namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>Where the simulator writes, and whether each stream is a terminal (progress is shown only when both are).</summary>
internal sealed record SimulatorConsole(TextWriter Out, TextWriter Error, bool OutIsTerminal, bool ErrorIsTerminal)
{
    /// <summary>Gets the process's own console.</summary>
    public static SimulatorConsole System => new(Console.Out, Console.Error, !Console.IsOutputRedirected, !Console.IsErrorRedirected);
}
