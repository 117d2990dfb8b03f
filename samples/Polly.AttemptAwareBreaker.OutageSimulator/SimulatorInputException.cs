namespace Polly.AttemptAwareBreaker.OutageSimulator;

/// <summary>
/// Bad input from the user (an option, the configuration file, its section or a value in it): the simulator prints the message, one
/// line naming what is wrong and what is allowed, and exits with code 2, without a stack trace.
/// </summary>
internal sealed class SimulatorInputException(string message) : Exception(message)
{
}
