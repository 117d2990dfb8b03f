using Polly.AttemptAwareBreaker.Gate;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The answer of an <see cref="AttemptAwareCircuitBreakerGate"/> to a request for one attempt. A granted permit is reported exactly
/// once with the attempt's outcome class; an unreported half-open probe gives its slot up after the break duration.
/// </summary>
public readonly struct BreakerPermit
{
    private readonly GrantedAttempt? _attempt;

    internal BreakerPermit(GrantedAttempt attempt)
    {
        _attempt = attempt;
        Rejection = null;
    }

    internal BreakerPermit(ExecutionRejectedException rejection)
    {
        _attempt = null;
        Rejection = rejection;
    }

    /// <summary>Gets a value indicating whether the attempt may go ahead.</summary>
    public bool IsGranted => _attempt is not null;

    /// <summary>Gets a value indicating whether the attempt is a half-open probe.</summary>
    public bool IsProbe => _attempt?.Ticket.IsProbe ?? false;

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber => _attempt?.Ticket.AttemptNumber ?? 0;

    /// <summary>
    /// Gets the rejection when the permit was refused: <see cref="Polly.CircuitBreaker.BrokenCircuitException"/> (with <c>RetryAfter</c>)
    /// or <see cref="Polly.CircuitBreaker.IsolatedCircuitException"/>.
    /// </summary>
    public ExecutionRejectedException? Rejection { get; }

    /// <summary>
    /// Reports the outcome of the attempt. A permit counts once: a second report (of this permit or of a copy of it) changes nothing and
    /// throws.
    /// </summary>
    /// <param name="outcomeClass">The class of the outcome.</param>
    /// <param name="exception">The exception of a failed attempt, kept as the snapshot's last failure. It is also the outcome that
    /// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakGenerator"/> reads (a <see langword="null"/> result without one).</param>
    /// <returns>A task that completes when any state-change events have been raised.</returns>
    /// <exception cref="InvalidOperationException">Thrown when the permit was not granted, or was reported before (the message names the
    /// class of the first report).</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="outcomeClass"/> is not a defined value.</exception>
    public ValueTask ReportAsync(OutcomeClass outcomeClass, Exception? exception = null)
    {
        if (_attempt is null)
        {
            throw new InvalidOperationException("This permit was not granted, so there is no attempt to report.");
        }

        return _attempt.Gate.ReportAsync(_attempt, outcomeClass, exception);
    }
}
