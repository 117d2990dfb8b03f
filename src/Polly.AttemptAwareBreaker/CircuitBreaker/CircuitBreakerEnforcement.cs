namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Whether an attempt-aware circuit breaker acts on its decisions or only reports them.
/// </summary>
public enum CircuitBreakerEnforcement
{
    /// <summary>The breaker rejects attempts when its circuit is open, half-open with every probe slot taken, isolated, or throttling.</summary>
    Enforcing,

    /// <summary>
    /// The breaker counts, evaluates every rule and moves through its states exactly as when enforcing, and reports the same telemetry,
    /// metrics, logs and health, marked as shadow; but it admits every attempt. An attempt it would have rejected is counted as a
    /// rejection and goes ahead as a shadow attempt, whose outcome is counted apart (<see cref="CircuitSnapshot.TotalShadowAttempts"/>) and moves nothing.
    /// </summary>
    Shadow,
}
