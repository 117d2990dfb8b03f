using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// The answer of an <see cref="AttemptAwareCircuitBreakerGate"/> to a request for one attempt. A granted permit must be reported
/// exactly once with the attempt's outcome class; an unreported half-open probe gives its slot up after the break duration.
/// </summary>
public readonly struct BreakerPermit
{
    private readonly AttemptAwareCircuitBreakerGate? _gate;
    private readonly AttemptTicket _ticket;
    private readonly ResilienceContext? _context;

    internal BreakerPermit(AttemptAwareCircuitBreakerGate gate, AttemptTicket ticket, ResilienceContext? context)
    {
        _gate = gate;
        _ticket = ticket;
        _context = context;
        Rejection = null;
    }

    internal BreakerPermit(ExecutionRejectedException rejection)
    {
        _gate = null;
        _ticket = default;
        _context = null;
        Rejection = rejection;
    }

    /// <summary>Gets a value indicating whether the attempt may go ahead.</summary>
    public bool IsGranted => _gate is not null;

    /// <summary>Gets a value indicating whether the attempt is a half-open probe.</summary>
    public bool IsProbe => _ticket.IsProbe;

    /// <summary>Gets the zero-based number of the attempt within its operation.</summary>
    public int AttemptNumber => _ticket.AttemptNumber;

    /// <summary>
    /// Gets the rejection when the permit was refused: <see cref="Polly.CircuitBreaker.BrokenCircuitException"/> (with <c>RetryAfter</c>)
    /// or <see cref="Polly.CircuitBreaker.IsolatedCircuitException"/>.
    /// </summary>
    public ExecutionRejectedException? Rejection { get; }

    /// <summary>
    /// Reports the outcome of the attempt. Report each granted permit exactly once: the permit is a value type without state of its
    /// own (so acquiring one allocates nothing), so a second report of the same permit cannot be detected and would be counted again.
    /// </summary>
    /// <param name="outcomeClass">The class of the outcome.</param>
    /// <param name="exception">The exception of a failed attempt, kept as the snapshot's last failure.</param>
    /// <returns>A task that completes when any state-change events have been raised.</returns>
    /// <exception cref="InvalidOperationException">Thrown when the permit was not granted.</exception>
    /// <exception cref="ArgumentOutOfRangeException">Thrown when <paramref name="outcomeClass"/> is not a defined value.</exception>
    public ValueTask ReportAsync(OutcomeClass outcomeClass, Exception? exception = null)
    {
        if (_gate is null)
        {
            throw new InvalidOperationException("This permit was not granted, so there is no attempt to report.");
        }

        return _gate.ReportAsync(_ticket, outcomeClass, exception, _context);
    }
}
