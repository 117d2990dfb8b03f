using Polly.CircuitBreaker;

namespace Polly.AttemptAwareBreaker;

/// <summary>
/// A consistent, point-in-time copy of an attempt-aware circuit breaker's state and statistics.
/// </summary>
public sealed class CircuitSnapshot
{
    internal CircuitSnapshot(
        CircuitState state,
        int consecutiveFailures,
        OutcomeCounts windowAttempts,
        OutcomeCounts windowOperations,
        long windowRejections,
        OutcomeCounts totalAttempts,
        OutcomeCounts totalOperations,
        long totalRejections,
        long windowSlowAttempts,
        long totalSlowAttempts,
        OutcomeCounts totalShadowAttempts,
        int halfOpenProbesInFlight,
        long totalProbesAdmitted,
        SharedStateStatus sharedState,
        CircuitOpenScope openScope,
        FleetQuorum? fleetQuorum,
        TimeSpan? retryAfter,
        DateTimeOffset? lastFailureTime,
        Exception? lastFailureException,
        DateTimeOffset? lastStateChange,
        DateTimeOffset timestamp,
        CircuitBreakerEnforcement enforcement)
    {
        Enforcement = enforcement;
        State = state;
        ConsecutiveFailures = consecutiveFailures;
        WindowAttempts = windowAttempts;
        WindowOperations = windowOperations;
        WindowRejections = windowRejections;
        TotalAttempts = totalAttempts;
        TotalOperations = totalOperations;
        TotalRejections = totalRejections;
        WindowSlowAttempts = windowSlowAttempts;
        TotalSlowAttempts = totalSlowAttempts;
        TotalShadowAttempts = totalShadowAttempts;
        HalfOpenProbesInFlight = halfOpenProbesInFlight;
        TotalProbesAdmitted = totalProbesAdmitted;
        SharedState = sharedState;
        OpenScope = openScope;
        FleetQuorum = fleetQuorum;
        RetryAfter = retryAfter;
        LastFailureTime = lastFailureTime;
        LastFailureException = lastFailureException;
        LastStateChange = lastStateChange;
        Timestamp = timestamp;
    }

    /// <summary>
    /// Gets whether the breaker acts on its state (<see cref="CircuitBreakerEnforcement.Enforcing"/>) or only reports it
    /// (<see cref="CircuitBreakerEnforcement.Shadow"/>: an open circuit here means "would reject").
    /// </summary>
    public CircuitBreakerEnforcement Enforcement { get; }

    /// <summary>Gets the state of the circuit.</summary>
    public CircuitState State { get; }

    /// <summary>Gets the number of failed attempts since the last successful one (ignored attempts do not break the run).</summary>
    public int ConsecutiveFailures { get; }

    /// <summary>Gets the downstream attempts within the sampling window, by class.</summary>
    public OutcomeCounts WindowAttempts { get; }

    /// <summary>Gets the operations within the sampling window, by the class of their latest attempt.</summary>
    public OutcomeCounts WindowOperations { get; }

    /// <summary>Gets the number of calls rejected by the open, isolated or saturated half-open circuit within the sampling window.</summary>
    public long WindowRejections { get; }

    /// <summary>Gets the downstream attempts since the breaker was created, by class.</summary>
    public OutcomeCounts TotalAttempts { get; }

    /// <summary>Gets the operations since the breaker was created, by the class of their latest attempt.</summary>
    public OutcomeCounts TotalOperations { get; }

    /// <summary>Gets the number of rejected calls since the breaker was created.</summary>
    public long TotalRejections { get; }

    /// <summary>
    /// Gets the slow attempts within the sampling window: successes and failures that took at least
    /// <see cref="AttemptAwareCircuitBreakerStrategyOptions{TResult}.SlowAttemptThreshold"/> (0 when the rule is off).
    /// </summary>
    public long WindowSlowAttempts { get; }

    /// <summary>Gets the slow attempts since the breaker was created (0 when the slow-attempt rule is off).</summary>
    public long TotalSlowAttempts { get; }

    /// <summary>
    /// Gets, in shadow mode, the attempts the breaker would have rejected and let go ahead, by the class of their outcome (how many of
    /// the calls enforcing would have refused failed anyway, and how many would have succeeded). Their rejections are in
    /// <see cref="TotalRejections"/>; the attempts are not in <see cref="TotalAttempts"/>.
    /// </summary>
    public OutcomeCounts TotalShadowAttempts { get; }

    /// <summary>Gets the number of half-open probes admitted and not yet finished.</summary>
    public int HalfOpenProbesInFlight { get; }

    /// <summary>Gets the number of half-open probes admitted since the breaker was created.</summary>
    public long TotalProbesAdmitted { get; }

    /// <summary>Gets whether the breaker shares its circuit with other processes, and whether the shared store answers.</summary>
    public SharedStateStatus SharedState { get; }

    /// <summary>
    /// Gets whether the circuit is open for this instance only or for every instance sharing it: <see cref="CircuitOpenScope.None"/> while
    /// closed, <see cref="CircuitOpenScope.Local"/> for a breaker that is not shared.
    /// </summary>
    public CircuitOpenScope OpenScope { get; }

    /// <summary>
    /// Gets how the instances sharing the circuit stood against its quorum when its rules last judged it (how many were active and
    /// failing); <see langword="null"/> when the breaker is not shared or its rules have not judged it yet.
    /// </summary>
    public FleetQuorum? FleetQuorum { get; }

    /// <summary>Gets the time left in the current break when the circuit is open; otherwise <see langword="null"/>.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the time of the latest failed attempt, if any.</summary>
    public DateTimeOffset? LastFailureTime { get; }

    /// <summary>Gets the exception of the latest failed attempt, if it failed with one.</summary>
    public Exception? LastFailureException { get; }

    /// <summary>Gets the time of the latest state change, if any.</summary>
    public DateTimeOffset? LastStateChange { get; }

    /// <summary>Gets the time this snapshot was taken.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <inheritdoc/>
    public override string ToString()
        => $"{(Enforcement == CircuitBreakerEnforcement.Shadow ? "shadow, would be " : string.Empty)}{State}; consecutive failures {ConsecutiveFailures}; window attempts: {WindowAttempts}; window operations: {WindowOperations}; rejections {WindowRejections}";
}
