namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// A state change decided under the controller's lock, whose events are raised after the lock is released.
/// </summary>
internal readonly struct Transition
{
    private Transition(TransitionKind kind, long generation, double failureRate, int failureCount, int halfOpenAttempts, CircuitStateChangeReason reason)
    {
        Kind = kind;
        Reason = reason;
        Generation = generation;
        FailureRate = failureRate;
        FailureCount = failureCount;
        HalfOpenAttempts = halfOpenAttempts;
    }

    public TransitionKind Kind { get; }

    public CircuitStateChangeReason Reason { get; }

    /// <summary>Gets the state generation the transition created; a later transition makes it stale.</summary>
    public long Generation { get; }

    public double FailureRate { get; }

    public int FailureCount { get; }

    public int HalfOpenAttempts { get; }

    public static Transition None => default;

    public static Transition Opened(long generation, double failureRate, int failureCount, int halfOpenAttempts, CircuitStateChangeReason reason)
        => new(TransitionKind.Opened, generation, failureRate, failureCount, halfOpenAttempts, reason);

    public static Transition Closed(long generation, CircuitStateChangeReason reason) => new(TransitionKind.Closed, generation, 0, 0, 0, reason);

    public static Transition HalfOpened(long generation) => new(TransitionKind.HalfOpened, generation, 0, 0, 0, CircuitStateChangeReason.BreakElapsed);
}

internal enum TransitionKind
{
    None = 0,
    Opened,
    Closed,
    HalfOpened,
}
