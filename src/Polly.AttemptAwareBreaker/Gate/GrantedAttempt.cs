using Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

namespace Polly.AttemptAwareBreaker.Gate;

/// <summary>
/// What a granted <see cref="BreakerPermit"/> refers to: the attempt's ticket, its context, and whether (and how) it was reported, so
/// that a second report can be refused without counting anything again.
/// </summary>
internal sealed class GrantedAttempt
{
    private int _reported; // 0 = not yet; otherwise the reported OutcomeClass + 1

    public GrantedAttempt(AttemptAwareCircuitBreakerGate gate, AttemptTicket ticket, ResilienceContext? context)
    {
        Gate = gate;
        Ticket = ticket;
        Context = context;
    }

    public AttemptAwareCircuitBreakerGate Gate { get; }

    public AttemptTicket Ticket { get; }

    public ResilienceContext? Context { get; }

    /// <summary>Marks the attempt reported with <paramref name="outcomeClass"/>, unless it was reported before.</summary>
    /// <param name="outcomeClass">The class reported now.</param>
    /// <returns><see langword="null"/> for the first report; otherwise the class of the earlier report, which stands.</returns>
    public OutcomeClass? MarkReported(OutcomeClass outcomeClass)
    {
        var previous = Interlocked.CompareExchange(ref _reported, (int)outcomeClass + 1, 0);
        return previous == 0 ? null : (OutcomeClass)(previous - 1);
    }
}
