namespace Polly.AttemptAwareBreaker;

/// <summary>
/// Why a circuit changed state.
/// </summary>
public enum CircuitStateChangeReason
{
    /// <summary>The share of failed attempts in the sampling window reached the failure ratio (with at least the minimum throughput).</summary>
    FailureRatio,

    /// <summary>The number of failed attempts in a row reached the consecutive failure threshold.</summary>
    ConsecutiveFailures,

    /// <summary>A half-open probe failed, so the circuit opened again.</summary>
    ProbeFailed,

    /// <summary>Enough half-open probes succeeded, so the circuit closed.</summary>
    ProbesSucceeded,

    /// <summary>The break elapsed, so the circuit went half-open to let probes through.</summary>
    BreakElapsed,

    /// <summary>Manual control or the registry isolated the circuit.</summary>
    ManualIsolate,

    /// <summary>Manual control or the registry closed the circuit.</summary>
    ManualClose,

    /// <summary>Another process sharing the circuit (through <see cref="ISharedCircuitStateFactory"/>) opened or closed it.</summary>
    SharedState,

    /// <summary>
    /// Slow attempts (finished ones that took at least the slow threshold, and running ones already past it) reached the slow-attempt
    /// ratio, or a half-open probe was slow.
    /// </summary>
    SlowAttempts,

    /// <summary>
    /// The downstream asked for a pause (an HTTP 429 or 503 with <c>Retry-After</c>, read by
    /// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.RequestedBreakGenerator"/>), so the circuit opened until then.
    /// </summary>
    ServerRequested,
}
