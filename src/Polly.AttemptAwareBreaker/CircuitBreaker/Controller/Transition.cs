using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// A state change decided under the state machine's lock, whose events are raised after the lock is released.
/// </summary>
internal readonly struct Transition
{
    private Transition(TransitionKind kind, CircuitState from, long generation, CircuitStateChangeReason reason, double failureRate, int failureCount, int halfOpenAttempts)
    {
        Kind = kind;
        From = from;
        Reason = reason;
        Generation = generation;
        FailureRate = failureRate;
        FailureCount = failureCount;
        HalfOpenAttempts = halfOpenAttempts;
    }

    /// <summary>Gets the state change that did not happen.</summary>
    public static Transition None => default;

    public TransitionKind Kind { get; }

    /// <summary>Gets the state the circuit left.</summary>
    public CircuitState From { get; }

    /// <summary>Gets the state the circuit entered.</summary>
    public CircuitState To => Kind switch
    {
        TransitionKind.Opened => CircuitState.Open,
        TransitionKind.HalfOpened => CircuitState.HalfOpen,
        _ => CircuitState.Closed,
    };

    public CircuitStateChangeReason Reason { get; }

    /// <summary>Gets the circuit generation the transition started; a later transition makes it stale.</summary>
    public long Generation { get; }

    public double FailureRate { get; }

    public int FailureCount { get; }

    /// <summary>Gets how many times in a row a half-open circuit opened again (for the break duration generator).</summary>
    public int HalfOpenAttempts { get; }

    public static Transition Opened(CircuitState from, long generation, in TripDecision decision, int halfOpenAttempts)
        => new(TransitionKind.Opened, from, generation, decision.Reason, decision.FailureRate, decision.FailureCount, halfOpenAttempts);

    public static Transition Closed(CircuitState from, long generation, CircuitStateChangeReason reason)
        => new(TransitionKind.Closed, from, generation, reason, 0, 0, 0);

    public static Transition HalfOpened(long generation)
        => new(TransitionKind.HalfOpened, CircuitState.Open, generation, CircuitStateChangeReason.BreakElapsed, 0, 0, 0);
}
