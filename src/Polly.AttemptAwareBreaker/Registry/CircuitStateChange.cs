using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A change of a circuit's state, as <see cref="AttemptAwareCircuitBreakerRegistry.StateChanged"/> reports it.
/// </summary>
public sealed class CircuitStateChange
{
    /// <summary>
    /// Initializes a new instance of the <see cref="CircuitStateChange"/> class.
    /// </summary>
    /// <param name="breakerName">The name of the breaker in its registry.</param>
    /// <param name="fromState">The state before the change.</param>
    /// <param name="toState">The state after the change.</param>
    /// <param name="reason">Why the state changed.</param>
    /// <param name="timestamp">When the state changed.</param>
    public CircuitStateChange(string breakerName, CircuitState fromState, CircuitState toState, CircuitStateChangeReason reason, DateTimeOffset timestamp)
        : this(breakerName, fromState, toState, reason, timestamp, CircuitBreakerEnforcement.Enforcing)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="CircuitStateChange"/> class.
    /// </summary>
    /// <param name="breakerName">The name of the breaker in its registry.</param>
    /// <param name="fromState">The state before the change.</param>
    /// <param name="toState">The state after the change.</param>
    /// <param name="reason">Why the state changed.</param>
    /// <param name="timestamp">When the state changed.</param>
    /// <param name="enforcement">Whether the breaker enforces its state or only reports it (shadow mode).</param>
    public CircuitStateChange(
        string breakerName,
        CircuitState fromState,
        CircuitState toState,
        CircuitStateChangeReason reason,
        DateTimeOffset timestamp,
        CircuitBreakerEnforcement enforcement)
    {
        Enforcement = enforcement;
        BreakerName = breakerName;
        FromState = fromState;
        ToState = toState;
        Reason = reason;
        Timestamp = timestamp;
    }

    /// <summary>Gets the name of the breaker in its registry.</summary>
    public string BreakerName { get; }

    /// <summary>Gets the state before the change.</summary>
    public CircuitState FromState { get; }

    /// <summary>Gets the state after the change.</summary>
    public CircuitState ToState { get; }

    /// <summary>Gets why the state changed.</summary>
    public CircuitStateChangeReason Reason { get; }

    /// <summary>
    /// Gets whether the breaker enforces its state (<see cref="CircuitBreakerEnforcement.Enforcing"/>) or only reports it
    /// (<see cref="CircuitBreakerEnforcement.Shadow"/>: the change is what the breaker would have done).
    /// </summary>
    public CircuitBreakerEnforcement Enforcement { get; }

    /// <summary>Gets when the state changed, by the breaker's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <inheritdoc/>
    public override string ToString()
        => $"{BreakerName}{(Enforcement == CircuitBreakerEnforcement.Shadow ? " (shadow)" : string.Empty)}: {FromState} -> {ToState} ({Reason}) at {Timestamp:O}";
}
