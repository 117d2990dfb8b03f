using Polly.AttemptAwareBreaker.CircuitBreaker.Rules;
using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker.CircuitBreaker.Controller;

/// <summary>
/// A state change decided under the state machine's lock, whose events are raised after the lock is released. An opening carries the
/// token source of the retries waiting out a delay, which the raiser cancels first (cancellation runs their callbacks inline).
/// A class: state changes are rare, and every admission and report that changes nothing passes the one <see cref="None"/> instance
/// instead of copying a large struct through the closed and rejection paths.
/// </summary>
internal sealed class Transition
{
    private readonly CancellationTokenSource? _opened;

    private Transition(TransitionKind kind, CircuitState from, long generation, CircuitStateChangeReason reason, CancellationTokenSource? opened = null)
    {
        Kind = kind;
        From = from;
        Reason = reason;
        Generation = generation;
        _opened = opened;
    }

    private Transition(CircuitState from, long generation, in TripDecision decision, int halfOpenAttempts, CancellationTokenSource opened)
        : this(TransitionKind.Opened, from, generation, decision.Reason, opened)
    {
        FailureRate = decision.FailureRate;
        FailureCount = decision.FailureCount;
        HalfOpenAttempts = halfOpenAttempts;
    }

    /// <summary>Gets the state change that did not happen.</summary>
    public static Transition None { get; } = new(TransitionKind.None, CircuitState.Closed, 0, default);

    public TransitionKind Kind { get; }

    /// <summary>Gets the state the circuit left.</summary>
    public CircuitState From { get; }

    /// <summary>Gets the state the circuit entered.</summary>
    public CircuitState To => Kind switch
    {
        TransitionKind.Opened => CircuitState.Open,
        TransitionKind.HalfOpened => CircuitState.HalfOpen,
        TransitionKind.Isolated => CircuitState.Isolated,
        _ => CircuitState.Closed,
    };

    public CircuitStateChangeReason Reason { get; }

    /// <summary>Gets the circuit generation the transition started; a later transition makes it stale.</summary>
    public long Generation { get; }

    public double FailureRate { get; }

    public int FailureCount { get; }

    /// <summary>Gets how many times in a row a half-open circuit opened again (for the break duration generator).</summary>
    public int HalfOpenAttempts { get; }

    public static Transition Opened(CircuitState from, long generation, in TripDecision decision, int halfOpenAttempts, CancellationTokenSource opened)
        => new(from, generation, decision, halfOpenAttempts, opened);

    public static Transition Isolated(CircuitState from, long generation, CancellationTokenSource opened)
        => new(TransitionKind.Isolated, from, generation, CircuitStateChangeReason.ManualIsolate, opened);

    public static Transition Closed(CircuitState from, long generation, CircuitStateChangeReason reason)
        => new(TransitionKind.Closed, from, generation, reason);

    public static Transition HalfOpened(long generation)
        => new(TransitionKind.HalfOpened, CircuitState.Open, generation, CircuitStateChangeReason.BreakElapsed);

    /// <summary>Ends the retry delays waiting for an opening; called outside the lock, before any other event.</summary>
    public void WakeWaiters() => OpenedSignal.Cancel(_opened);
}
