using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// Creates the exceptions a circuit rejects attempts with, stamped with the breaker's telemetry source like Polly's own. The messages
/// are constant so a rejection stays cheap; <c>RetryAfter</c> carries the time and <c>InnerException</c> the latest failure.
/// </summary>
internal sealed class CircuitRejections
{
    private const string OpenMessage = "The circuit is open and is not allowing calls; RetryAfter tells how long the break lasts.";
    private const string HalfOpenMessage = "The circuit is half-open and every probe slot is taken; RetryAfter tells when a slot frees up at the latest.";
    private const string IsolatedMessage = "The circuit is isolated (held open by manual control) and is not allowing calls.";
    private const string ThrottledMessage = "The circuit is closed but sheds load: the downstream accepted too few of the recent attempts (adaptive throttling); RetryAfter tells when to try again.";
    private const string RampMessage = "The circuit is closed but recovering: it admits a growing share of the attempts (recovery ramp); RetryAfter tells when to try again.";

    private readonly ResilienceStrategyTelemetry _telemetry;

    public CircuitRejections(ResilienceStrategyTelemetry telemetry) => _telemetry = telemetry;

    /// <summary>Creates the rejection of a circuit that is not closed.</summary>
    /// <param name="state">The circuit's state: open, half-open (every slot taken) or isolated.</param>
    /// <param name="retryAfter">The time left in the break, or until a probe slot frees up at the latest.</param>
    /// <param name="cause">The latest failure.</param>
    /// <returns>The rejection.</returns>
    public ExecutionRejectedException For(CircuitState state, TimeSpan retryAfter, Exception? cause) => state switch
    {
        CircuitState.Open => Open(retryAfter, cause),
        CircuitState.HalfOpen => HalfOpen(retryAfter, cause),
        _ => Stamp(new IsolatedCircuitException(IsolatedMessage)),
    };

    /// <summary>Creates the rejection of an attempt while a break runs.</summary>
    /// <param name="retryAfter">The time left in the break.</param>
    /// <param name="cause">The latest failure.</param>
    /// <returns>The rejection.</returns>
    public BrokenCircuitException Open(TimeSpan retryAfter, Exception? cause) => Stamp(Broken(OpenMessage, retryAfter, cause));

    /// <summary>Creates the rejection of a half-open circuit whose probe slots are all taken.</summary>
    /// <param name="retryAfter">The time until a slot frees up at the latest.</param>
    /// <param name="cause">The latest failure.</param>
    /// <returns>The rejection.</returns>
    public BrokenCircuitException HalfOpen(TimeSpan retryAfter, Exception? cause) => Stamp(Broken(HalfOpenMessage, retryAfter, cause));

    /// <summary>Creates the rejection of an attempt a closed circuit refused (adaptive throttling or recovery ramp).</summary>
    /// <param name="byRamp">Whether the recovery ramp refused it.</param>
    /// <param name="retryAfter">When to try again.</param>
    /// <param name="cause">The latest failure.</param>
    /// <returns>The rejection.</returns>
    public BrokenCircuitException Refused(bool byRamp, TimeSpan retryAfter, Exception? cause) => Stamp(Broken(byRamp ? RampMessage : ThrottledMessage, retryAfter, cause));

    private static BrokenCircuitException Broken(string message, TimeSpan retryAfter, Exception? cause)
        => cause is null ? new BrokenCircuitException(message, retryAfter) : new BrokenCircuitException(message, retryAfter, cause);

    private TException Stamp<TException>(TException rejection)
        where TException : ExecutionRejectedException
    {
        _telemetry.SetTelemetrySource(rejection);
        return rejection;
    }
}
